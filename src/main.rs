//! The `guide-search` command: parses arguments, calls the library, reports errors.
//! (The laboratory's commands, `eval` and `gen-corpus`, are in `guide-search-lab`.)

mod cli;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use guide_search::corpus::{DEFAULT_MAX_FILE_BYTES, LoadOptions};
use guide_search::index::{self, IndexError};
use guide_search::language::{Detector, Lang};
use guide_search::search::{DEFAULT_LIMIT, Engine, SearchRequest};
use guide_search::server;

/// mimalloc for a search's many small buffers, the system's allocator for large ones
/// (see `guide_search::allocator`).
#[global_allocator]
static ALLOCATOR: guide_search::allocator::Allocator = guide_search::allocator::Allocator;

/// Multilingual (French, English, Spanish) search over an information guide for people
/// affected by sexual violence, and the committees its organisation sits on.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the index from the corpus (into a new folder, switched to atomically).
    Index {
        #[command(flatten)]
        paths: Paths,
        /// Fail (exit 1) if any file had to be skipped.
        #[arg(long)]
        strict: bool,
    },
    /// Search from the command line (builds the index first if missing or stale).
    Search {
        #[command(flatten)]
        search: SearchArgs,
        /// Print the HTTP API's JSON response.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        paths: Paths,
    },
    /// Run the HTTP service (builds the index first if missing or stale).
    Serve {
        #[command(flatten)]
        service: ServiceArgs,
        #[command(flatten)]
        paths: Paths,
    },
}

#[derive(Args)]
struct ServiceArgs {
    /// Address to listen on.
    #[arg(long, env = "GUIDE_SEARCH_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Bearer token that enables POST /api/admin/reindex (disabled when unset).
    #[arg(long, env = "GUIDE_SEARCH_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Origins allowed to call the API from a browser, comma-separated (none by default).
    #[arg(long, env = "GUIDE_SEARCH_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// Requests per second per client, at most a million; 0 turns the limit off (for
    /// benchmarks).
    #[arg(long, env = "GUIDE_SEARCH_RATE_LIMIT", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(server::MAX_RATE_LIMIT)))]
    rate_limit: u32,
    /// Searches computed at once; more wait a moment, then get a 503 (default: the
    /// machine's cores).
    #[arg(long, env = "GUIDE_SEARCH_WORKERS", value_parser = clap::value_parser!(u16).range(1..))]
    search_workers: Option<u16>,
    /// Behind a reverse proxy: take the client's address from X-Forwarded-For / Forwarded.
    #[arg(long, env = "GUIDE_SEARCH_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Where the quick-exit button and a double Escape lead: a neutral site.
    #[arg(long, env = "GUIDE_SEARCH_EXIT_URL", default_value = server::DEFAULT_EXIT_URL)]
    exit_url: String,
    /// Log query text (at debug level). Queries are sensitive: for debugging only.
    #[arg(long, env = "GUIDE_SEARCH_LOG_QUERIES")]
    log_queries: bool,
    /// Recent responses kept in memory (at most five minutes) to answer repeated searches
    /// at once; 0 keeps none.
    #[arg(long, env = "GUIDE_SEARCH_CACHED_RESPONSES", default_value_t = 1000)]
    cached_responses: usize,
}

#[derive(Args)]
struct SearchArgs {
    /// The query, e.g. "trousse medicolegale".
    query: String,
    /// The query's language; detected when not given.
    #[arg(long)]
    lang: Option<Lang>,
    /// The reader's language, favoured when the query's is unsure.
    #[arg(long, default_value = "fr")]
    ui: Lang,
    /// Only documents of this type (guide, committee, partner…).
    #[arg(long = "type")]
    doc_type: Option<String>,
    /// Only documents in this language.
    #[arg(long)]
    doc_lang: Option<Lang>,
    /// How many results to show (1 to 50).
    #[arg(long, default_value_t = DEFAULT_LIMIT)]
    limit: usize,
    /// How many results to skip, for the next pages.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// List every language version instead of one hit per document.
    #[arg(long)]
    all_versions: bool,
}

impl From<SearchArgs> for SearchRequest {
    fn from(args: SearchArgs) -> SearchRequest {
        SearchRequest {
            lang: args.lang,
            ui: args.ui,
            doc_type: args.doc_type,
            doc_lang: args.doc_lang,
            limit: args.limit,
            offset: args.offset,
            group: !args.all_versions,
            ..SearchRequest::new(args.query)
        }
    }
}

#[derive(Args)]
struct Paths {
    /// The corpus folder.
    #[arg(long, default_value = "corpus")]
    corpus: PathBuf,
    /// The index folder (generated).
    #[arg(long, default_value = "index")]
    index: PathBuf,
    /// Files larger than this many bytes are skipped.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
}

impl Paths {
    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            max_file_bytes: self.max_file_size,
        }
    }

    /// Builds the index if it is missing or stale, telling why, then opens it.
    fn ready_engine(&self, detector: Arc<Detector>) -> Result<Engine> {
        let mut progress = cli::ProgressBar::new(std::io::stderr().is_terminal());
        if let Some((why, report)) = index::ensure(
            &self.corpus,
            &self.index,
            &self.load_options(),
            &detector,
            &mut progress,
        )? {
            drop(progress);
            eprintln!("Building the index: {why}.");
            eprint!("{}", cli::build_summary(&report));
        }
        let open = index::open(&self.index)?;
        Ok(Engine::new(open, detector))
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives threads their own malloc arenas and keeps what they free: a server that
/// reindexes now and then grew from 35 MB to over 150 MB (soak test). Two arenas keep it
/// flat at about 30 MB, and searches do not contend on them measurably.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Index { paths, strict } => {
            let detector = Detector::new();
            let mut progress = cli::ProgressBar::new(std::io::stderr().is_terminal());
            let report = index::build(
                &paths.corpus,
                &paths.index,
                &paths.load_options(),
                &detector,
                &mut progress,
            );
            drop(progress);
            let report = match report {
                Err(IndexError::NothingToIndex { .. }) => {
                    // Show why every file was skipped before failing.
                    let corpus = guide_search::corpus::load(
                        &paths.corpus,
                        &paths.load_options(),
                        &detector,
                    )?;
                    for skipped in &corpus.skipped {
                        eprintln!("  warning: {skipped}");
                    }
                    anyhow::bail!("nothing could be indexed from {}", paths.corpus.display());
                }
                other => other?,
            };
            eprint!("{}", cli::build_summary(&report));
            if strict && !report.skipped.is_empty() {
                eprintln!(
                    "error: --strict: {} files were skipped",
                    report.skipped.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            search,
            json,
            paths,
        } => {
            let engine = paths.ready_engine(Arc::new(Detector::new()))?;
            let request = SearchRequest::from(search);
            let response = engine.search(&request)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&response)?);
            } else {
                print!(
                    "{}",
                    cli::search_results(&response, std::io::stdout().is_terminal())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { service, paths } => {
            let detector = Arc::new(Detector::new());
            let engine = paths.ready_engine(detector.clone())?;
            if service.log_queries {
                tracing::warn!("--log-queries is on: query text will be written to the logs");
            }
            let settings = server::Settings {
                admin_token: service.admin_token.filter(|t| !t.is_empty()),
                allowed_origins: service.allowed_origins,
                rate_limit: service.rate_limit,
                behind_proxy: service.behind_proxy,
                log_queries: service.log_queries,
                exit_url: service.exit_url,
                cached_responses: service.cached_responses,
                search_workers: service
                    .search_workers
                    .map_or(server::Settings::default().search_workers, usize::from),
                load_options: paths.load_options(),
                corpus_dir: paths.corpus,
                index_dir: paths.index,
                ..server::Settings::default()
            };
            let state = server::AppState::new(settings, detector);
            state.install(engine);
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(service.addr)
                    .await
                    .with_context(|| format!("cannot listen on {}", service.addr))?;
                let local = listener.local_addr()?;
                tracing::info!("guide-search listening on http://{local}");
                server::serve(listener, state).await?;
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}
