//! `dossier serve`: the HTTP API and the search page, a front end on the [`Engine`] like the
//! CLI. Handlers parse parameters, call one engine function off the async threads and answer
//! with the CLI's JSON records; errors are JSON with the status that fits.
//!
//! Guard rails: loopback unless told otherwise (the command checks), an optional bearer token
//! compared in constant time, no CORS unless an origin is named, bounded bodies, URIs, queries
//! and limits, a timeout and a concurrency bound on engine work, and a handler panic answered as
//! a 500 while the server keeps serving. The page is served with a Content-Security-Policy that
//! allows only its own script and style.

mod api;
mod page;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::engine::Engine;
pub use api::ApiError;

/// Hits one search may ask for.
pub const MAX_LIMIT: usize = 1_000;
/// Characters of a query.
pub const MAX_QUERY_CHARS: usize = 4_096;
/// Bytes of a request URI (path and query string).
pub const MAX_URI_BYTES: usize = 16 * 1024;
/// Bytes of a request body (a batch file).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Queries of one batch request.
pub const MAX_BATCH_QUERIES: usize = 10_000;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Every request but `/healthz` must carry `Authorization: Bearer TOKEN`.
    pub token: Option<String>,
    /// The one origin allowed to call the API from another page (`--cors ORIGIN`).
    pub cors: Option<String>,
    /// Engine calls running at once; more wait (up to the timeout).
    pub concurrency: usize,
    /// How long one request may take, waiting included.
    pub timeout: Duration,
    /// Watch-lists the page lists with what is new for them (read only: runs of
    /// `dossier watch` advance their state).
    pub watch_lists: Vec<std::path::PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        ServerConfig {
            token: None,
            cors: None,
            concurrency: cores * 2,
            timeout: Duration::from_secs(20),
            watch_lists: Vec::new(),
        }
    }
}

/// What every handler shares: the engine and the bound on its work.
#[derive(Clone)]
pub(crate) struct AppState {
    pub engine: Arc<Engine>,
    pub watch_lists: Arc<Vec<std::path::PathBuf>>,
    pub permits: Arc<Semaphore>,
    pub timeout: Duration,
}

/// The whole application: the API, the page and the guard rails.
pub fn router(engine: Arc<Engine>, config: &ServerConfig) -> Router {
    let state = AppState {
        engine,
        watch_lists: Arc::new(config.watch_lists.clone()),
        permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
        timeout: config.timeout,
    };
    let mut app = Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/api/search", get(api::search))
        .route("/api/quote", get(api::quote))
        .route("/api/passage", get(api::passage))
        .route("/api/document", get(api::document))
        .route("/api/stats", get(api::stats))
        .route("/api/trend", get(api::trend))
        .route("/api/similar", get(api::similar))
        .route("/api/watch", get(api::watch))
        .route("/api/batch", post(api::batch))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES));
    let token = config.token.clone().map(Arc::new);
    app = app.layer(middleware::from_fn(move |req: Request, next: Next| {
        let token = token.clone();
        async move { guard(token.as_deref().map(String::as_str), req, next).await }
    }));
    if let Some(origin) = &config.cors {
        if let Ok(allowed) = HeaderValue::from_str(origin) {
            // Only the named origin is answered: other pages get no CORS header at all.
            app = app.layer(
                CorsLayer::new()
                    .allow_origin(AllowOrigin::predicate(move |origin, _| *origin == allowed))
                    .allow_methods([Method::GET, Method::POST])
                    .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
            );
        }
    }
    app.layer(CatchPanicLayer::custom(panic_response))
}

/// The checks every request passes first: the URI's length, then the token.
async fn guard(token: Option<&str>, req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "parameter",
            format!("the request URI is {uri_len} bytes; at most {MAX_URI_BYTES} are read"),
        )
        .into_response();
    }
    if let Some(expected) = token {
        if req.uri().path() != "/healthz" && !authorized(&req, expected) {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "auth",
                "this server needs `Authorization: Bearer TOKEN`",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(req).await
}

/// Whether the request carries the bearer token (compared in constant time).
fn authorized(req: &Request, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    let Some(given) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// A handler that panicked: a 500 JSON error; the server goes on.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed on this request (a bug: please report it); it keeps serving",
    )
    .into_response()
}

/// Serves `app` on `listener` until `shutdown` resolves, finishing the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Runs `work` with the engine on a blocking thread, within the concurrency bound and the
/// timeout.
pub(crate) async fn with_engine<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
{
    let deadline = tokio::time::Instant::now() + state.timeout;
    let permit = tokio::time::timeout_at(deadline, Arc::clone(&state.permits).acquire_owned())
        .await
        .map_err(|_| ApiError::busy())?
        .map_err(|_| ApiError::busy())?;
    let engine = Arc::clone(&state.engine);
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&engine)
    });
    match tokio::time::timeout_at(deadline, task).await {
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", state.timeout.as_secs()),
        )),
        Ok(Err(join)) if join.is_panic() => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed on this request (a bug: please report it); it keeps serving",
        )),
        Ok(Err(_)) => Err(ApiError::busy()),
        Ok(Ok(result)) => result,
    }
}
