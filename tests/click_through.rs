//! Every click lands: for every judged query of `tests/relevance/` (each language), under
//! each interface language, the results page is followed link by link (each hit, each
//! "Also in" translation, the sections offered when nothing matched), in process through
//! the service's router. Each must answer a 200 page, a hit whose snippet marks words
//! must lead to a document where those words are marked too, and a hit or translation must
//! lead to a document with a link back to the results page it came from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use guide_search::corpus::LoadOptions;
use guide_search::language::{Detector, Lang};
use guide_search::server::{AppState, Settings, app};
use scraper::{Html, Selector};
use tower::ServiceExt;

mod common;

/// Links followed at once.
const CONCURRENCY: usize = 8;

#[derive(serde::Deserialize)]
struct QueryFile {
    query: Vec<Judged>,
}

#[derive(serde::Deserialize)]
struct Judged {
    q: String,
}

/// Every judged query, once.
fn judged_queries() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance");
    let mut queries = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml")
            && path.file_name() != Some("floor.toml".as_ref())
        {
            let file: QueryFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            queries.extend(file.query.into_iter().map(|j| j.q));
        }
    }
    queries
}

fn router() -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let detector = Arc::new(Detector::new());
    let corpus = common::shipped_corpus();
    let engine = guide_search::eval::engine_over(&corpus, dir.path(), detector.clone()).unwrap();
    let state = AppState::new(
        Settings {
            rate_limit: 0,
            cached_responses: 0,
            corpus_dir: corpus,
            index_dir: dir.path().to_path_buf(),
            ..Settings::default()
        },
        detector.clone(),
    );
    state.install(engine);
    (dir, app(state))
}

/// GET `uri`: the status, and the body if it is a page.
async fn get_page(router: &axum::Router, uri: &str) -> (StatusCode, Option<String>) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .unwrap();
    (
        status,
        is_html.then(|| String::from_utf8(bytes.to_vec()).unwrap()),
    )
}

/// What a link is expected to show: marked words, for a hit whose snippet has some, and
/// the way back to the results it was on (none for a section offered when nothing was
/// found: it does not carry the query).
struct Link {
    href: String,
    marked: BTreeSet<String>,
    back: Option<String>,
}

fn texts(html: &scraper::ElementRef, selector: &Selector) -> BTreeSet<String> {
    html.select(selector)
        .map(|m| m.text().collect::<String>().to_lowercase())
        .collect()
}

/// The links of results page `uri`: hits (with the words their snippet marks),
/// translations, and the sections offered when nothing matched.
fn links_of(uri: &str, page: &str) -> Vec<Link> {
    let document = Html::parse_document(page);
    let select = |css| Selector::parse(css).unwrap();
    let (hit, title, mark) = (select("li.hit"), select("h3 a"), select(".snippet mark"));
    let mut links = Vec::new();
    for item in document.select(&hit) {
        let href = item.select(&title).next().expect("a hit has a title link");
        links.push(Link {
            href: href.attr("href").unwrap().to_string(),
            marked: texts(&item, &mark),
            back: Some(uri.to_string()),
        });
    }
    for other in document.select(&select("a.translation")) {
        links.push(Link {
            href: other.attr("href").unwrap().to_string(),
            marked: BTreeSet::new(),
            back: Some(uri.to_string()),
        });
    }
    for offered in document.select(&select(".no-results li a")) {
        links.push(Link {
            href: offered.attr("href").unwrap().to_string(),
            marked: BTreeSet::new(),
            back: None,
        });
    }
    links
}

/// Follows one link: `None` if it lands, else what went wrong.
async fn follow(router: &axum::Router, link: &Link) -> Option<String> {
    let (status, page) = get_page(router, &link.href).await;
    let Some(page) = page.filter(|_| status == StatusCode::OK) else {
        return Some(format!("{status}, not a page"));
    };
    let document = Html::parse_document(&page);
    let article = Selector::parse("article").unwrap();
    let Some(article) = document.select(&article).next() else {
        return Some("no article".into());
    };
    let marked = texts(&article, &Selector::parse("mark").unwrap());
    let missing: Vec<&String> = link.marked.difference(&marked).collect();
    if !missing.is_empty() {
        return Some(format!(
            "{missing:?} marked in the snippet, not in the document"
        ));
    }
    let back = Selector::parse("p.back a").unwrap();
    let back = document.select(&back).next().and_then(|a| a.attr("href"));
    (back != link.back.as_deref()).then(|| format!("back to {back:?}, not to {:?}", link.back))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_result_link_of_every_judged_query_lands_on_a_page() {
    let (_dir, router) = router();
    let queries = judged_queries();
    assert!(queries.len() >= 800, "{} judged queries", queries.len());
    let mut followed = BTreeMap::new();
    let mut failures = Vec::new();
    let mut no_results = 0;
    let mut pending = tokio::task::JoinSet::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    for q in &queries {
        for ui in Lang::ALL {
            let uri = format!(
                "/search?{}",
                serde_urlencoded::to_string([("q", q.as_str()), ("ui", ui.code())]).unwrap()
            );
            let (status, page) = get_page(&router, &uri).await;
            let Some(page) = page.filter(|_| status == StatusCode::OK) else {
                failures.push(format!("{uri}: {status}"));
                continue;
            };
            no_results += usize::from(page.contains("class=\"no-results\""));
            for link in links_of(&uri, &page) {
                if followed.insert(link.href.clone(), ()).is_some() {
                    continue;
                }
                let (router, limit) = (router.clone(), limit.clone());
                pending.spawn(async move {
                    let _turn = limit.acquire_owned().await.unwrap();
                    follow(&router, &link)
                        .await
                        .map(|why| format!("{} ({why})", link.href))
                });
            }
        }
    }
    while let Some(outcome) = pending.join_next().await {
        failures.extend(outcome.unwrap());
    }
    eprintln!(
        "click-through: {} queries × 3 interfaces, {} links followed, {} pages without results, {} failures",
        queries.len(),
        followed.len(),
        no_results,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} links failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_between_documents_lands_on_a_page() {
    let (_dir, router) = router();
    let documents = guide_search::corpus::load(
        &common::shipped_corpus(),
        &LoadOptions::default(),
        &Detector::new(),
    )
    .unwrap()
    .documents;
    let in_article = Selector::parse("article section a[href^='/docs/']").unwrap();
    let mut followed = BTreeSet::new();
    for document in &documents {
        for ui in Lang::ALL {
            let uri = format!("/docs/{}?ui={ui}", document.id());
            let (status, page) = get_page(&router, &uri).await;
            let page = page
                .filter(|_| status == StatusCode::OK)
                .unwrap_or_else(|| panic!("{uri}: {status}"));
            let links: Vec<String> = Html::parse_document(&page)
                .select(&in_article)
                .map(|a| a.attr("href").unwrap().to_string())
                .collect();
            let expected = document
                .passages
                .iter()
                .map(|p| p.links.len())
                .sum::<usize>();
            assert_eq!(links.len(), expected, "{uri}: {links:?}");
            for href in links {
                assert!(href.ends_with(&format!("?ui={ui}")), "{href}");
                if followed.insert(href.clone()) {
                    let (status, page) = get_page(&router, &href).await;
                    assert!(
                        status == StatusCode::OK && page.is_some(),
                        "{uri} → {href}: {status}"
                    );
                }
            }
        }
    }
    eprintln!("links between documents: {} followed", followed.len());
}
