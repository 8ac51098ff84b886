//! The public pages: home and search form, results rendered on the server (the page
//! works without JavaScript), the document view, and the embedded assets.
//!
//! Everything is rendered with maud, which escapes all text; the only markup inserted
//! as is are snippets, which the search core escapes itself but for its `<mark>` tags.
//! JavaScript (`assets/app.js`) only enhances: results as you type, suggestions, quick
//! exit by keyboard.

use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use super::State;
use super::api::{SearchParams, run_search};
use super::i18n::{Strings, language_name, strings};
use crate::language::Lang;
use crate::search::{Engine, Facets, Hit, SearchResponse};

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
}

pub async fn home(
    Extract(state): Extract<State>,
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
    Extract(state): Extract<State>,
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
    let offset = params.offset.clone().unwrap_or_default();
    let limit = PAGE_SIZE.to_string();
    let params = SearchParams {
        ui: Some(ui.code().into()),
        limit: Some(limit),
        ..params
    };
    // The same path as the API: user errors say what to change, internal ones stay generic.
    let outcome = match params.request() {
        Ok(request) => run_search(&state, request).await,
        Err(error) => Err(error),
    };
    let first_rank: usize = offset.parse().unwrap_or(0) + 1;
    let here_params = vec![
        ("q", query.clone()),
        ("type", filters.0.clone()),
        ("doc_lang", filters.1.clone()),
        ("offset", offset),
    ];
    let page = Page {
        ui,
        text,
        title: format!("{query} – {}", text.search_button),
        query: &query,
        exit_url: &state.settings.exit_url,
        here: ("/search", here_params),
    };
    match outcome {
        Ok(response) => page
            .render(results(ui, text, &response, &filters, first_rank))
            .into_response(),
        Err(error) => (
            error.status(),
            page.render(html! { p.error role="alert" { (error.message()) } }),
        )
            .into_response(),
    }
}

fn results(
    ui: Lang,
    text: &Strings,
    response: &SearchResponse,
    filters: &(String, String),
    first_rank: usize,
) -> Markup {
    let q = response.query.as_str();
    let links = ResultLinks { q, ui, filters };
    let base = |changes: &[(&str, &str)]| links.to(changes);
    html! {
        div #results aria-live="polite" {
            p #status role="status" { (text.results(response.total)) }
            @if let Some(suggestion) = &response.did_you_mean {
                p.did-you-mean { (text.did_you_mean) " " a href=(base(&[("q", suggestion.as_str()), ("offset", "")])) { (suggestion) } " ?" }
            }
            @if response.total == 0 {
                div.no-results { p { (text.no_results) } }
            } @else {
                (facets(text, &response.facets, filters, &links))
                ol.hits start=(first_rank) {
                    @for hit in &response.hits { (hit_item(text, hit, q, ui)) }
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

/// Links to this results page with some parameters changed.
struct ResultLinks<'a> {
    q: &'a str,
    ui: Lang,
    filters: &'a (String, String),
}

impl ResultLinks<'_> {
    fn to(&self, changes: &[(&str, &str)]) -> String {
        let mut params = vec![
            ("q", self.q),
            ("ui", self.ui.code()),
            ("type", self.filters.0.as_str()),
            ("doc_lang", self.filters.1.as_str()),
        ];
        for (key, value) in changes {
            params.retain(|(k, _)| k != key);
            params.push((key, value));
        }
        link("/search", &params)
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

/// A hit's link carries the query, so that the document view highlights it.
fn with_query(url: &str, q: &str, ui: Lang) -> String {
    let (path, anchor) = url.split_once('#').map_or((url, ""), |(p, a)| (p, a));
    let linked = link(path, &[("q", q), ("ui", ui.code())]);
    if anchor.is_empty() {
        linked
    } else {
        format!("{linked}#{anchor}")
    }
}

fn hit_item(text: &Strings, hit: &Hit, q: &str, ui: Lang) -> Markup {
    html! {
        li.hit lang=(hit.lang.code()) {
            h3 { a href=(with_query(&hit.url, q, ui)) { (hit.title) } }
            @if hit.heading != hit.title { p.heading { (hit.heading) } }
            p.snippet { (PreEscaped(&hit.snippet)) }
            @if !hit.translations.is_empty() {
                p.also lang=(ui.code()) {
                    (text.also_in) " "
                    @for (lang, id) in &hit.translations {
                        a.translation href=(with_query(&format!("/docs/{id}"), q, ui)) hreflang=(lang.code()) lang=(lang.code()) { (language_name(*lang)) }
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
    Extract(state): Extract<State>,
    Path((doc_type, lang, key)): Path<(String, String, String)>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let ui = interface_language(params.ui.as_deref(), &headers);
    let text = strings(ui);
    let q = params.q.unwrap_or_default();
    let path = format!("/docs/{doc_type}/{lang}/{key}");
    let found = match (lang.parse::<Lang>(), state.engine()) {
        (Ok(lang), Some(engine)) => {
            let q = q.clone();
            tokio::task::spawn_blocking(move || view(&engine, &doc_type, lang, &key, &q))
                .await
                .ok()
                .flatten()
        }
        _ => None,
    };
    let page = |title: String, main: Markup| {
        Page {
            ui,
            text,
            title,
            query: &q,
            exit_url: &state.settings.exit_url,
            here: (&path, vec![("q", q.clone())]),
        }
        .render(main)
    };
    match found {
        Some((title, body)) => page(title, body).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            page(
                text.not_found.to_string(),
                html! { h1 { (text.not_found) } },
            ),
        )
            .into_response(),
    }
}

/// The document's title and article, or `None` if unknown.
fn view(
    engine: &Engine,
    doc_type: &str,
    lang: Lang,
    key: &str,
    q: &str,
) -> Option<(String, Markup)> {
    let document = engine.document(doc_type, lang, key).ok()??;
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
            @for (passage, html_text) in document.passages.iter().zip(&highlighted) {
                section id=[(!passage.anchor.is_empty()).then_some(passage.anchor.as_str())] {
                    @if !passage.anchor.is_empty() { h2 { (passage.heading) } }
                    @for paragraph in html_text.split("\n\n") { p { (PreEscaped(paragraph.replace('\n', "<br>"))) } }
                }
            }
        }
    };
    Some((document.about.title, markup))
}

/// The embedded assets: served with their type, cached for a day.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, content_type) = match name.as_str() {
        "app.js" => (
            include_str!("assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "style.css" => (include_str!("assets/style.css"), "text/css; charset=utf-8"),
        _ => return super::ApiError::not_found("no such asset").into_response(),
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
