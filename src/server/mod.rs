//! The HTTP service: the JSON API and health endpoints over the current [`Engine`].
//!
//! [`app`] builds the router from a [`AppState`], so handlers are tested without a socket;
//! [`serve`] binds it and shuts down gracefully. Around the router, layers bound what a
//! request may cost (time, body size, concurrency, rate per client), add security
//! headers and CORS for configured origins only, and answer every error as a page (for
//! people) or as JSON (for programs).
//!
//! Queries are sensitive: nothing here logs query text or client addresses, unless the
//! operator turns `log_queries` on for debugging.

mod api;
mod error;
mod i18n;
mod limits;
mod pages;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::{MethodRouter, get, post};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::ApiError;
pub use limits::MAX_RATE_LIMIT;
use limits::{RateLimit, SearchSlots};

use crate::corpus::LoadOptions;
use crate::language::Detector;
use crate::search::Engine;

/// How the service behaves; see `guide-search serve --help` for the environment variables.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Enables `POST /api/admin/reindex` for holders of this bearer token.
    pub admin_token: Option<String>,
    /// Origins allowed to call the API from a browser (CORS); none by default.
    pub allowed_origins: Vec<String>,
    /// Requests per second per client; 0 turns the limit off.
    pub rate_limit: u32,
    /// Take the client's address from `X-Forwarded-For`/`Forwarded` (behind a proxy).
    pub behind_proxy: bool,
    /// Logs query text: for debugging only.
    pub log_queries: bool,
    /// Where the quick-exit button and a double Escape lead: a neutral site.
    pub exit_url: String,
    /// A request still running after this is answered 503.
    pub request_timeout: Duration,
    /// Requests handled at once, across all clients; more wait their turn.
    pub max_concurrent_requests: usize,
    /// Searches computed at once (the machine's cores by default); more wait a moment,
    /// then get a 503.
    pub search_workers: usize,
    /// Larger request bodies are refused (413).
    pub max_body_bytes: usize,
    /// Recent responses kept to answer repeated searches (for at most five minutes);
    /// 0 keeps none.
    pub cached_responses: usize,
    /// The corpus a reindex reads.
    pub corpus_dir: PathBuf,
    /// Where a reindex writes its new generation.
    pub index_dir: PathBuf,
    /// How a reindex reads the corpus.
    pub load_options: LoadOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            admin_token: None,
            allowed_origins: Vec::new(),
            rate_limit: 20,
            behind_proxy: false,
            log_queries: false,
            exit_url: DEFAULT_EXIT_URL.into(),
            request_timeout: Duration::from_secs(10),
            max_concurrent_requests: 256,
            search_workers: limits::cores(),
            max_body_bytes: 16 * 1024,
            cached_responses: 1000,
            corpus_dir: PathBuf::from("corpus"),
            index_dir: PathBuf::from("index"),
            load_options: LoadOptions::default(),
        }
    }
}

/// What handlers share: the engine in use (swapped whole by a reindex), the settings,
/// the language detector (loaded once, reused by every engine) and the limits.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<ArcSwapOption<Engine>>,
    settings: Arc<Settings>,
    detector: Arc<Detector>,
    reindexing: Arc<AtomicBool>,
    rate_limit: RateLimit,
    search_slots: SearchSlots,
}

impl AppState {
    /// A state with no engine yet: searches answer `not_ready` until one is installed.
    pub fn new(settings: Settings, detector: Arc<Detector>) -> AppState {
        AppState {
            engine: Arc::default(),
            rate_limit: RateLimit::new(&settings),
            search_slots: SearchSlots::new(settings.search_workers),
            settings: Arc::new(settings),
            detector,
            reindexing: Arc::default(),
        }
    }

    /// Makes `engine` the one that answers, from the next request on; requests already
    /// running finish on the engine they started with.
    pub fn install(&self, engine: Engine) {
        let engine = engine.with_response_cache(self.settings.cached_responses);
        self.engine.store(Some(Arc::new(engine)));
    }

    /// The engine in use, if one is installed yet.
    pub fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.load_full()
    }

    /// Starts a rebuild in the background unless one is running; says whether it started.
    fn start_reindex(&self) -> bool {
        self.start_job(|state| {
            let settings = &state.settings;
            let built = crate::index::build(
                &settings.corpus_dir,
                &settings.index_dir,
                &settings.load_options,
                &state.detector,
                &mut (),
            )
            .and_then(|_| crate::index::open(&settings.index_dir));
            match built {
                Ok(open) => {
                    let documents = open.manifest.documents.len();
                    state.install(Engine::new(open, state.detector.clone()));
                    tracing::info!(documents, "reindex complete: new index in use");
                }
                Err(error) => {
                    tracing::error!(%error, "reindex failed: the previous index stays in use")
                }
            }
        })
    }

    /// Runs `job` on a blocking thread unless a reindex job runs already; says whether it
    /// started. However the job ends, even by panicking, the next one may start after it.
    fn start_job(&self, job: impl FnOnce(&AppState) + Send + 'static) -> bool {
        if self.reindexing.swap(true, Ordering::AcqRel) {
            return false;
        }
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _done = Running(state.reindexing.clone());
            job(&state);
        });
        true
    }

    /// Forgets what the service keeps for a while only: responses past their time, and
    /// the rate limit's entries of clients that have been quiet.
    fn forget_expired(&self) {
        if let Some(engine) = self.engine() {
            engine.expire_responses();
        }
        self.rate_limit.forget_quiet_clients();
    }
}

/// A reindex running: its flag is lowered when this is dropped, however the job ended.
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// A neutral site, bilingual, that gives away nothing: the weather.
pub const DEFAULT_EXIT_URL: &str = "https://weather.gc.ca/";

/// Content-Security-Policy of every response: nothing from elsewhere, no inline script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The whole service as a router: the pages, the API and the health checks, inside the
/// layers that bound and secure every request.
pub fn app(state: AppState) -> Router {
    let settings = state.settings.clone();
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/docs/{type}/{lang}/{key}", get(pages::document))
        .route("/assets/{name}", get(pages::asset))
        .route("/widget.js", get(pages::widget));
    let routes = api_routes()
        .into_iter()
        .fold(pages, |router, (_, path, handler)| {
            router.route(path, handler)
        })
        // A bare 404, answered as a page or as JSON by its address (`error::answer_errors`).
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(state.clone());
    bounded(routes, &settings, &state.rate_limit)
}

/// The routes of the API and the health checks, with their method: the router serves
/// them, and the OpenAPI document must describe exactly these (tested).
fn api_routes() -> [(Method, &'static str, MethodRouter<AppState>); 7] {
    [
        (Method::GET, "/api/search", get(api::search)),
        (Method::GET, "/api/suggest", get(api::suggest)),
        (
            Method::GET,
            "/api/documents/{type}/{lang}/{key}",
            get(api::document),
        ),
        (Method::POST, "/api/admin/reindex", post(api::reindex)),
        (Method::GET, "/api/openapi.json", get(api::openapi)),
        (Method::GET, "/healthz", get(api::healthz)),
        (Method::GET, "/readyz", get(api::readyz)),
    ]
}

/// The layers around the routes: what a request may cost (body, time, concurrency, rate
/// per client), CORS, security headers, errors as pages or JSON, panics caught. `Router::layer` wraps
/// each route on its own, so limits shared by all routes need layers that share their
/// state (a global semaphore, one rate limiter).
fn bounded(routes: Router, settings: &Settings, rate_limit: &RateLimit) -> Router {
    let router = routes.layer(
        ServiceBuilder::new()
            .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                settings.request_timeout,
            ))
            .layer(GlobalConcurrencyLimitLayer::new(
                settings.max_concurrent_requests,
            )),
    );
    let router = rate_limit.around(router);
    let router = match cors(&settings.allowed_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    // Outermost first: the security headers go on every answer, error pages included.
    router.layer(
        ServiceBuilder::new()
            .layer(security_header(
                header::CONTENT_SECURITY_POLICY,
                CONTENT_SECURITY_POLICY,
            ))
            .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(settings.clone()),
                error::answer_errors,
            ))
            .layer(CatchPanicLayer::custom(error::panic_response)),
    )
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// CORS for the configured origins only; without any, browsers keep the same-origin rule.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET])
            .allow_headers([header::CONTENT_TYPE])
    })
}

/// Serves `state` on `listener` until SIGINT or SIGTERM; requests in flight complete.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    tokio::spawn(maintenance(state.clone()));
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Every ten seconds, forgets what has had its time, even when no request comes.
async fn maintenance(state: AppState) {
    let mut ticks = tokio::time::interval(Duration::from_secs(10));
    loop {
        ticks.tick().await;
        state.forget_expired();
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests;
