//! The public pages: home and search form, results rendered on the server (the page
//! works without JavaScript), the document view, and the embedded assets.
//!
//! Everything is rendered with maud, which escapes all text; the only markup inserted
//! as is are snippets, which the search core escapes itself but for its `<mark>` tags.
//! JavaScript (`assets/app.js`) only enhances: results as you type, suggestions, quick
//! exit by keyboard.

use std::ops::Range;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use super::AppState;
use super::api::{SearchParams, run_search, with_engine};
use super::error::ApiError;
use super::i18n::{Strings, language_name, strings};
use crate::document::Passage;
use crate::language::Lang;
use crate::search::{Engine, Facets, Hit, Invalid, SearchResponse, validate_query};

/// Results per page.
const PAGE_SIZE: usize = 10;

/// The interface's language: `?ui=`, else the browser's preferred one we speak, else French.
fn interface_language(ui: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(lang) = ui.and_then(|code| code.parse().ok()) {
        return lang;
    }
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut ranked: Vec<(f32, Lang)> = accepted
        .split(',')
        .filter_map(|item| {
            let mut parts = item.trim().split(';');
            let lang = parts.next()?.trim().parse::<Lang>().ok()?;
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((quality, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map_or(Lang::Fr, |(_, lang)| *lang)
}

/// The reader's language for any address: its `ui` parameter, if readable, else the
/// browser's.
pub(super) fn reader_language(query: Option<&str>, headers: &HeaderMap) -> Lang {
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
    let ui = params
        .iter()
        .find(|(k, _)| k == "ui")
        .map(|(_, v)| v.as_str());
    interface_language(ui, headers)
}

/// A URL with its query string, escaped.
fn link(path: &str, params: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    match serde_urlencoded::to_string(&kept) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_string(),
    }
}

struct Page<'a> {
    ui: Lang,
    text: &'static Strings,
    title: String,
    query: &'a str,
    exit_url: &'a str,
    /// The path and parameters of this page, for the language switch.
    here: (&'a str, Vec<(&'a str, String)>),
}

impl Page<'_> {
    /// This page in another interface language.
    fn in_language(&self, lang: Lang) -> String {
        let mut params: Vec<(&str, &str)> =
            self.here.1.iter().map(|(k, v)| (*k, v.as_str())).collect();
        params.push(("ui", lang.code()));
        link(self.here.0, &params)
    }

    fn render(&self, main: Markup) -> Markup {
        let text = self.text;
        let strings_json = serde_json::to_string(text).expect("serialisable");
        html! {
            (DOCTYPE)
            html lang=(self.ui.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (self.title) }
                    link rel="stylesheet" href="/assets/style.css";
                    script src="/assets/app.js" defer {}
                }
                body data-ui=(self.ui.code()) data-exit-url=(self.exit_url) data-strings=(strings_json) {
                    a.skip href="#main" { (text.skip_to_content) }
                    header.top {
                        a #quick-exit .quick-exit href=(self.exit_url) title=(text.quick_exit_hint) { (text.quick_exit) }
                        nav.languages aria-label=(text.languages) {
                            ul {
                                @for lang in Lang::ALL {
                                    li {
                                        a href=(self.in_language(lang)) hreflang=(lang.code()) lang=(lang.code())
                                            aria-current=[(lang == self.ui).then_some("true")] { (language_name(lang)) }
                                    }
                                }
                            }
                        }
                        p.site-title { a href=(link("/", &[("ui", self.ui.code())])) { (text.site_title) } }
                    }
                    main #main tabindex="-1" {
                        (search_form(self.ui, text, self.query))
                        (main)
                    }
                    footer { (help_box(text)) }
                }
            }
        }
    }
}

fn search_form(ui: Lang, text: &Strings, query: &str) -> Markup {
    html! {
        form.search role="search" action="/search" method="get" {
            label for="q" { (text.search_label) }
            div.combo {
                input #q type="search" name="q" value=(query) placeholder=(text.search_placeholder)
                    autocomplete="off" spellcheck="false" maxlength="512"
                    role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="suggestions";
                ul #suggestions role="listbox" aria-label=(text.suggestions) hidden {}
            }
            input type="hidden" name="ui" value=(ui.code());
            button type="submit" { (text.search_button) }
        }
    }
}

fn help_box(text: &Strings) -> Markup {
    html! {
        aside.help aria-labelledby="help-title" {
            h2 #help-title { (text.help_title) }
            p { (text.help_line) }
            p.numbers { (text.help_numbers) }
            p { (text.help_danger) }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageParams {
    ui: Option<String>,
    q: Option<String>,
    /// A document opened from a results page also carries that page's filters and place,
    /// for its way back there.
    #[serde(rename = "type")]
    doc_type: Option<String>,
    doc_lang: Option<String>,
    offset: Option<String>,
}

pub async fn home(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Markup {
    let ui = interface_language(params.ui.as_deref(), &headers);
    let text = strings(ui);
    let page = Page {
        ui,
        text,
        title: text.site_title.to_string(),
        query: "",
        exit_url: &state.settings.exit_url,
        here: ("/", vec![]),
    };
    page.render(html! {
        h1 { (text.site_title) }
        p.tagline { (text.tagline) }
        div #results aria-live="polite" {}
    })
}

/// `GET /search`: the results page, the same hits in the same order as the API.
pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
    headers: HeaderMap,
) -> Response {
    let ui = interface_language(params.ui.as_deref(), &headers);
    let text = strings(ui);
    let query = params.q.clone().unwrap_or_default();
    let filters = (
        params.doc_type.clone().unwrap_or_default(),
        params.doc_lang.clone().unwrap_or_default(),
    );
    let here_params = vec![
        ("q", query.clone()),
        ("type", filters.0.clone()),
        ("doc_lang", filters.1.clone()),
        ("offset", params.offset.clone().unwrap_or_default()),
    ];
    let params = SearchParams {
        ui: Some(ui.code().into()),
        limit: Some(PAGE_SIZE.to_string()),
        ..params
    };
    // The same path as the API: user errors say what to change, internal ones stay generic.
    let outcome = match params.request() {
        Ok(request) => {
            let first_rank = request.offset.saturating_add(1);
            run_search(&state, request)
                .await
                .map(|response| (response, first_rank))
        }
        Err(error) => Err(error),
    };
    let page = Page {
        ui,
        text,
        title: match query.trim() {
            "" => text.search_button.to_string(),
            query => format!("{query} – {}", text.search_button),
        },
        query: &query,
        exit_url: &state.settings.exit_url,
        here: ("/search", here_params),
    };
    match outcome {
        Ok((response, first_rank)) => page
            .render(results(ui, text, &response, &filters, first_rank))
            .into_response(),
        Err(error) => failed(&page, &error),
    }
}

/// A search that could not be done, as a page: what to change (the search box is there to
/// change it), or an apology and the helpline.
fn failed(page: &Page, error: &ApiError) -> Response {
    problem_page(page, error.status(), error.invalid())
}

/// An error page for any address a person opened: the status's title and hint in the
/// reader's language, the search box, the helpline.
pub(super) fn error_page(
    exit_url: &str,
    ui: Lang,
    status: StatusCode,
    invalid: Option<&Invalid>,
) -> Response {
    let text = strings(ui);
    let page = Page {
        ui,
        text,
        title: problem(text, status, invalid).0.to_string(),
        query: "",
        exit_url,
        here: ("/", vec![]),
    };
    problem_page(&page, status, invalid)
}

/// `page` saying what went wrong, with `status`.
fn problem_page(page: &Page, status: StatusCode, invalid: Option<&Invalid>) -> Response {
    let (title, hint) = problem(page.text, status, invalid);
    let body = html! {
        h1 { (title) }
        p.error role="alert" { (hint) }
    };
    (status, page.render(body)).into_response()
}

/// The title and the hint of an error page.
fn problem(
    text: &'static Strings,
    status: StatusCode,
    invalid: Option<&Invalid>,
) -> (&'static str, &'static str) {
    let hint = match (status, invalid) {
        (_, Some(Invalid::EmptyQuery)) => text.error_empty_query,
        (_, Some(Invalid::QueryTooLong(_))) => text.error_query_too_long,
        (_, Some(Invalid::Limit | Invalid::Offset)) => text.error_no_such_results_page,
        (_, Some(_)) => text.error_bad_address,
        (StatusCode::NOT_FOUND, None) => text.not_found_hint,
        (StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE, None) => text.error_busy,
        (s, None) if s.is_server_error() => text.error_internal_hint,
        _ => text.error_bad_address,
    };
    let title = if status == StatusCode::NOT_FOUND {
        text.not_found
    } else if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        text.error_internal_title
    } else {
        text.error_bad_request_title
    };
    (title, hint)
}

fn results(
    ui: Lang,
    text: &Strings,
    response: &SearchResponse,
    filters: &(String, String),
    first_rank: usize,
) -> Markup {
    let q = response.query.as_str();
    let links = ResultLinks {
        q,
        ui,
        filters,
        offset: match first_rank - 1 {
            0 => String::new(),
            before => before.to_string(),
        },
    };
    let base = |changes: &[(&str, &str)]| links.to(changes);
    html! {
        div #results aria-live="polite" {
            p #status role="status" { (text.results(response.total)) }
            @if let Some(suggestion) = &response.did_you_mean {
                p.did-you-mean { (text.did_you_mean) " " a href=(base(&[("q", suggestion.as_str()), ("offset", "")])) { (suggestion) } " ?" }
            }
            @if response.total == 0 {
                (no_results(ui, text, response))
            } @else {
                (facets(text, &response.facets, filters, &links))
                ol.hits start=(first_rank) {
                    @for hit in &response.hits { (hit_item(text, hit, &links)) }
                }
                nav.pages aria-label=(text.more_results) {
                    @if first_rank > 1 {
                        a rel="prev" href=(base(&[("offset", &(first_rank - 1).saturating_sub(PAGE_SIZE).to_string())])) { (text.previous) }
                    }
                    @if first_rank - 1 + response.hits.len() < response.total {
                        a #more rel="next" href=(base(&[("offset", &(first_rank - 1 + PAGE_SIZE).to_string())])) { (text.more_results) }
                    }
                }
            }
        }
    }
}

/// Nothing matched: never a dead end. The helpline, and sections to start from.
fn no_results(ui: Lang, text: &Strings, response: &SearchResponse) -> Markup {
    html! {
        div.no-results {
            p { (text.no_results) }
            p.numbers { (text.help_numbers) }
            p { (text.help_danger) }
            @if !response.starting_points.is_empty() {
                h2 #start-here { (text.start_here) }
                ul aria-labelledby="start-here" {
                    @for section in &response.starting_points {
                        li { a href=(link(&section.url, &[("ui", ui.code())])) { (section.title) } }
                    }
                }
            }
        }
    }
}
/// Links to this results page with some parameters changed, and to the documents it
/// lists.
struct ResultLinks<'a> {
    q: &'a str,
    ui: Lang,
    filters: &'a (String, String),
    /// The number of results before this page's first, empty on the first page.
    offset: String,
}

impl ResultLinks<'_> {
    /// A document opened from this page: its link carries the query, which the document
    /// highlights, and this page's filters and place, for its way back here.
    fn document(&self, url: &str) -> String {
        with_params(url, &self.params(&[]))
    }

    fn to(&self, changes: &[(&str, &str)]) -> String {
        link("/search", &self.params(changes))
    }

    /// This page's parameters, with `changes`.
    fn params<'p>(&'p self, changes: &[(&'p str, &'p str)]) -> Vec<(&'p str, &'p str)> {
        let mut params = vec![
            ("q", self.q),
            ("ui", self.ui.code()),
            ("type", self.filters.0.as_str()),
            ("doc_lang", self.filters.1.as_str()),
            ("offset", self.offset.as_str()),
        ];
        for (key, value) in changes {
            params.retain(|(k, _)| k != key);
            params.push((key, value));
        }
        params
    }
}

fn facets(
    text: &Strings,
    facets: &Facets,
    filters: &(String, String),
    links: &ResultLinks,
) -> Markup {
    let base = |changes: &[(&str, &str)]| links.to(changes);
    html! {
        nav.facets aria-label=(text.filters) {
            div.facet {
                span.facet-name { (text.filter_type) }
                a href=(base(&[("type", ""), ("offset", "")])) aria-current=[filters.0.is_empty().then_some("true")] { (text.all) }
                @for (doc_type, count) in &facets.doc_type {
                    a href=(base(&[("type", doc_type), ("offset", "")])) aria-current=[(filters.0 == *doc_type).then_some("true")] {
                        (text.type_name(doc_type)) " (" (count) ")"
                    }
                }
            }
            div.facet {
                span.facet-name { (text.filter_lang) }
                a href=(base(&[("doc_lang", ""), ("offset", "")])) aria-current=[filters.1.is_empty().then_some("true")] { (text.all) }
                @for (lang, count) in &facets.lang {
                    a href=(base(&[("doc_lang", lang.code()), ("offset", "")])) aria-current=[(filters.1 == lang.code()).then_some("true")] {
                        (language_name(*lang)) " (" (count) ")"
                    }
                }
            }
        }
    }
}

/// A link to another version of a document carries the query, so that it highlights it.
fn with_query(url: &str, q: &str, ui: Lang) -> String {
    with_params(url, &[("q", q), ("ui", ui.code())])
}

/// `url` with `params` (those not empty) before its anchor.
fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let (path, anchor) = url.split_once('#').map_or((url, ""), |(p, a)| (p, a));
    let linked = link(path, params);
    if anchor.is_empty() {
        linked
    } else {
        format!("{linked}#{anchor}")
    }
}

fn hit_item(text: &Strings, hit: &Hit, links: &ResultLinks) -> Markup {
    // The hit's own language on what is in it, so that a screen reader reads it so.
    let lang = hit.lang.code();
    html! {
        li.hit {
            h3 lang=(lang) { a href=(links.document(&hit.url)) { (hit.title) } }
            @if hit.heading != hit.title { p.heading lang=(lang) { (hit.heading) } }
            p.snippet lang=(lang) { (PreEscaped(&hit.snippet)) }
            @if !hit.translations.is_empty() {
                p.also {
                    (text.also_in) " "
                    @for (lang, id) in &hit.translations {
                        a.translation href=(links.document(&format!("/docs/{id}"))) hreflang=(lang.code()) lang=(lang.code()) { (language_name(*lang)) }
                        " "
                    }
                }
            }
        }
    }
}

/// `GET /docs/{type}/{lang}/{key}`: the whole document, its contents and translations;
/// with `?q=`, the query's terms highlighted.
pub async fn document(
    State(state): State<AppState>,
    Path((doc_type, lang, key)): Path<(String, String, String)>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let ui = interface_language(params.ui.as_deref(), &headers);
    let exit_url = &state.settings.exit_url;
    let Ok(lang) = lang.parse::<Lang>() else {
        return error_page(exit_url, ui, StatusCode::NOT_FOUND, None);
    };
    let back = results_page(&params, ui);
    let q = params.q.unwrap_or_default();
    let path = format!("/docs/{doc_type}/{lang}/{key}");
    let highlighted = q.clone();
    let found = with_engine(&state, move |engine| {
        Ok(view(engine, &doc_type, lang, &key, &highlighted, ui))
    })
    .await;
    let (title, body) = match shown(found) {
        Ok(found) => found,
        Err(status) => return error_page(exit_url, ui, status, None),
    };
    let text = strings(ui);
    // Opened from a results page, the way back to it, without relying on the browser's
    // button.
    let body = html! {
        @if let Some(back) = back {
            p.back { a href=(back) { span aria-hidden="true" { "← " } (text.back_to_results) } }
        }
        (body)
    };
    Page {
        ui,
        text,
        title,
        query: &q,
        exit_url,
        here: (&path, vec![("q", q.clone())]),
    }
    .render(body)
    .into_response()
}

/// The results page a document was opened from, with its filters and place: none without
/// a query the search would take. A place or a language that is not one is left out.
fn results_page(params: &PageParams, ui: Lang) -> Option<String> {
    let q = params.q.as_deref().filter(|q| validate_query(q).is_ok())?;
    let offset = (params.offset.clone()).filter(|o| o.parse::<usize>().is_ok());
    let doc_lang = (params.doc_lang.clone()).filter(|l| l.parse::<Lang>().is_ok());
    let filters = (
        params.doc_type.clone().unwrap_or_default(),
        doc_lang.unwrap_or_default(),
    );
    let links = ResultLinks {
        q,
        ui,
        filters: &filters,
        offset: offset.unwrap_or_default(),
    };
    Some(links.to(&[]))
}

type Viewed = Result<Option<(String, Markup)>, crate::search::SearchError>;

/// The document view's outcome: the page, a 404 for an unknown document, or the error's
/// status when it could not be shown (a 500, logged, whether the index failed or the work
/// did; a 503 when the service is busy).
pub(super) fn shown(found: Result<Viewed, ApiError>) -> Result<(String, Markup), StatusCode> {
    match found {
        Ok(Ok(Some(found))) => Ok(found),
        Ok(Ok(None)) => Err(StatusCode::NOT_FOUND),
        Ok(Err(error)) => Err(ApiError::internal(&error.to_string()).status()),
        Err(error) => Err(error.status()),
    }
}

/// The document's title and article, or `None` if unknown.
fn view(engine: &Engine, doc_type: &str, lang: Lang, key: &str, q: &str, ui: Lang) -> Viewed {
    let Some(document) = engine.document(doc_type, lang, key)? else {
        return Ok(None);
    };
    let highlighted = engine.highlight(&document.passages, lang, q);
    let ui_text = strings(lang);
    let markup = html! {
        article lang=(lang.code()) {
            h1 { (document.about.title) }
            @if let Some(summary) = &document.about.summary { p.summary { (summary) } }
            @if !document.translations.is_empty() {
                nav.translations aria-label=(ui_text.other_languages) {
                    @for (other, link_to) in &document.translations {
                        a href=(with_query(&link_to.url, q, *other)) hreflang=(other.code()) lang=(other.code()) { (language_name(*other)) ": " (link_to.title) }
                        " "
                    }
                }
            }
            @let headed: Vec<_> = document.passages.iter().filter(|p| !p.anchor.is_empty()).collect();
            @if headed.len() > 1 {
                nav.toc aria-labelledby="toc-title" {
                    h2 #toc-title { (ui_text.contents) }
                    ol { @for passage in &headed { li { a href={ "#" (passage.anchor) } { (passage.heading) } } } }
                }
            }
            @for (passage, marks) in document.passages.iter().zip(&highlighted) {
                section id=[(!passage.anchor.is_empty()).then_some(passage.anchor.as_str())] {
                    @if !passage.anchor.is_empty() { h2 { (passage.heading) } }
                    (paragraphs(passage, marks, ui))
                }
            }
        }
    };
    Ok(Some((document.about.title, markup)))
}

/// A passage as paragraphs and lists (blank lines part paragraphs; lines that start with
/// `- ` are list items), with its marks and its links to other documents. Every piece of
/// text goes through maud, which escapes it.
fn paragraphs(passage: &Passage, marks: &[Range<usize>], ui: Lang) -> Markup {
    let text = passage.text.as_str();
    let blocks = pieces(text, 0..text.len(), "\n\n");
    html! {
        @for block in blocks {
            @let lines: Vec<Range<usize>> = pieces(text, block, "\n")
                .into_iter()
                .filter(|line| !text[line.clone()].trim().is_empty())
                .collect();
            @if !lines.is_empty() && lines.iter().all(|line| text[line.clone()].starts_with("- ")) {
                ul { @for line in lines { li { (inline(passage, line.start + 2..line.end, marks, ui)) } } }
            } @else {
                p {
                    @for (i, line) in lines.into_iter().enumerate() {
                        @if i > 0 { br; }
                        (inline(passage, line, marks, ui))
                    }
                }
            }
        }
    }
}

/// The stretches of `range` in `text` between occurrences of `separator`.
fn pieces(text: &str, range: Range<usize>, separator: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut start = range.start;
    for (at, _) in text[range.clone()].match_indices(separator) {
        found.push(start..range.start + at);
        start = range.start + at + separator.len();
    }
    found.push(start..range.end);
    found
}

/// `range` of a passage's text: its links as links (in the reader's interface language),
/// its marks marked.
fn inline(passage: &Passage, range: Range<usize>, marks: &[Range<usize>], ui: Lang) -> Markup {
    let mut stretches: Vec<(Range<usize>, Option<&str>)> = Vec::new();
    let mut at = range.start;
    for link in &passage.links {
        let (start, end) = (link.start.max(at), link.end.min(range.end));
        if start < end {
            stretches.push((at..start, None));
            stretches.push((start..end, Some(link.to.as_str())));
            at = end;
        }
    }
    stretches.push((at..range.end, None));
    html! {
        @for (stretch, to) in stretches {
            @if let Some(to) = to {
                a href=(link(to, &[("ui", ui.code())])) { (marked(&passage.text, stretch, marks)) }
            } @else {
                (marked(&passage.text, stretch, marks))
            }
        }
    }
}

/// `range` of `text`, its marks (cut to the range) in `<mark>`.
fn marked(text: &str, range: Range<usize>, marks: &[Range<usize>]) -> Markup {
    let mut parts: Vec<(&str, bool)> = Vec::new();
    let mut at = range.start;
    for mark in marks {
        let (start, end) = (mark.start.max(at), mark.end.min(range.end));
        if start < end && text.is_char_boundary(start) && text.is_char_boundary(end) {
            parts.push((&text[at..start], false));
            parts.push((&text[start..end], true));
            at = end;
        }
    }
    parts.push((&text[at..range.end], false));
    html! {
        @for (part, is_marked) in parts {
            @if is_marked { mark { (part) } } @else { (part) }
        }
    }
}

/// The embedded assets: served with their type, cached for a day.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, content_type) = match name.as_str() {
        "app.js" => (
            include_str!("assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "style.css" => (include_str!("assets/style.css"), "text/css; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// `GET /widget.js`: the search box other sites embed.
pub async fn widget() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            // Loaded by other origins' pages.
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                "cross-origin",
            ),
        ],
        include_str!("assets/widget.js"),
    )
        .into_response()
}
