//! A bare tantivy search server over the shipped corpus: the floor of the HTTP benchmark
//! (`scripts/load-peers.sh`).
//!
//! It answers `GET /search?q=…` with the top 10 passages (id, title, score) from an index
//! in memory built with tantivy's default tokenizer, parsed by tantivy's `QueryParser`:
//! no language detection, no completions, corrections or synonyms, no facets, no
//! snippets. What it costs is what tantivy alone costs over HTTP on this corpus, so that
//! guide-search's own work can be told apart from the engine's and the server's.
//! The passages are the ones guide-search indexes: read by `guide_search::corpus`.
//!
//! ```sh
//! cargo run --release --example bare_tantivy -- --addr 127.0.0.1:18772 [--corpus corpus]
//! cargo run --release --example bare_tantivy -- --dump-json passages.json   # for a peer engine
//! cargo run --release --example bare_tantivy -- --dump-words words.txt      # the benchmark's words
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use guide_search::corpus::{self, LoadOptions};
use guide_search::document::Document;
use guide_search::eval;
use guide_search::language::Detector;
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, STORED, STRING, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument};

/// The allocator guide-search's binary uses, so that the floor differs from it by the
/// search alone.
#[global_allocator]
static ALLOCATOR: guide_search::allocator::Allocator = guide_search::allocator::Allocator;

/// How many passages a search returns, as guide-search's first page.
const LIMIT: usize = 10;

/// One passage, as indexed here and as dumped for another engine.
#[derive(Serialize)]
struct Passage {
    /// Its rank in the corpus: an id any engine accepts (Meilisearch refuses `/` and `#`).
    id: usize,
    /// `<type>/<lang>/<key>#<anchor>`, the address guide-search links to.
    passage: String,
    title: String,
    heading: String,
    text: String,
    lang: &'static str,
}

/// What the command line asks for.
enum Mode {
    Serve(String),
    DumpJson(PathBuf),
    DumpWords(PathBuf),
}

fn main() -> anyhow::Result<()> {
    let mut corpus_dir = PathBuf::from("corpus");
    let mut mode = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--addr" => mode = Some(Mode::Serve(value()?)),
            "--corpus" => corpus_dir = PathBuf::from(value()?),
            "--dump-json" => mode = Some(Mode::DumpJson(PathBuf::from(value()?))),
            "--dump-words" => mode = Some(Mode::DumpWords(PathBuf::from(value()?))),
            _ => bail!(
                "usage: bare_tantivy (--addr HOST:PORT | --dump-json FILE | --dump-words FILE) [--corpus DIR]"
            ),
        }
    }
    let mode = mode.context("one of --addr, --dump-json or --dump-words is needed")?;
    // The detector only names the language of a file that does not say it.
    let documents = corpus::load(&corpus_dir, &LoadOptions::default(), &Detector::new())?.documents;
    let passages = passages_of(&documents);
    if passages.is_empty() {
        bail!("no passage in {}", corpus_dir.display());
    }
    match mode {
        Mode::DumpJson(path) => std::fs::write(&path, serde_json::to_vec(&passages)?)
            .with_context(|| format!("writing {}", path.display())),
        Mode::DumpWords(path) => {
            let lines: String = (eval::mix_words(&documents).into_iter())
                .map(|word| word + "\n")
                .collect();
            std::fs::write(&path, lines).with_context(|| format!("writing {}", path.display()))
        }
        Mode::Serve(addr) => serve(&addr, &passages),
    }
}

/// Every passage of the corpus, in the order guide-search reads them.
fn passages_of(documents: &[Document]) -> Vec<Passage> {
    let mut passages = Vec::new();
    for document in documents {
        for passage in &document.passages {
            passages.push(Passage {
                id: passages.len(),
                passage: format!("{}#{}", document.id(), passage.anchor),
                title: document.about.title.clone(),
                heading: passage.heading.clone(),
                text: passage.text.clone(),
                lang: document.about.lang.code(),
            });
        }
    }
    passages
}

/// The index and what a search needs of it.
struct Engine {
    reader: IndexReader,
    parser: QueryParser,
    passage: Field,
    title: Field,
}

fn build(passages: &[Passage]) -> tantivy::Result<Engine> {
    let mut builder = Schema::builder();
    let passage = builder.add_text_field("passage", STRING | STORED);
    let title = builder.add_text_field("title", STORED);
    // One searched field with tantivy's default analyzer (`TEXT`): title, heading and text.
    let all = builder.add_text_field("all", TEXT);
    let index = Index::create_in_ram(builder.build());
    let mut writer = index.writer::<TantivyDocument>(50_000_000)?;
    for p in passages {
        let mut doc = TantivyDocument::new();
        doc.add_text(passage, &p.passage);
        doc.add_text(title, &p.title);
        for text in [&p.title, &p.heading, &p.text] {
            doc.add_text(all, text);
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    // Any word may match, as in guide-search.
    let parser = QueryParser::for_index(&index, vec![all]);
    Ok(Engine {
        reader: index.reader()?,
        parser,
        passage,
        title,
    })
}

#[derive(Deserialize)]
struct Params {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Hit {
    id: String,
    title: String,
    score: f32,
}

#[derive(Serialize)]
struct Response {
    hits: Vec<Hit>,
}

fn serve(addr: &str, passages: &[Passage]) -> anyhow::Result<()> {
    let engine = Arc::new(build(passages)?);
    let app = Router::new()
        .route("/search", get(search))
        .with_state(engine);
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        eprintln!(
            "bare_tantivy: {} passages, listening on {addr}",
            passages.len()
        );
        axum::serve(listener, app).await?;
        Ok(())
    })
}

/// The search runs on the runtime's thread, not `spawn_blocking`: it is short, and the
/// cheapest way is what a floor should measure.
async fn search(
    State(engine): State<Arc<Engine>>,
    Query(params): Query<Params>,
) -> Result<Json<Response>, (axum::http::StatusCode, String)> {
    let failed =
        |e: tantivy::TantivyError| (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    // Lenient: whatever is typed is searched, as guide-search never answers a query error.
    let (query, _errors) = engine.parser.parse_query_lenient(&params.q);
    let searcher = engine.reader.searcher();
    let found = searcher
        .search(&query, &TopDocs::with_limit(LIMIT).order_by_score())
        .map_err(failed)?;
    let mut hits = Vec::with_capacity(found.len());
    for (score, address) in found {
        let doc: TantivyDocument = searcher.doc(address).map_err(failed)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        hits.push(Hit {
            id: text(engine.passage),
            title: text(engine.title),
            score,
        });
    }
    Ok(Json(Response { hits }))
}
