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
/// Bytes of a request's head (request line and headers); more is answered 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Headers of a request; more is answered 431.
pub const MAX_HEADERS: usize = 100;

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
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// How long a client has to send a request's head, from the connection's start or the
    /// end of its last answer: a slow client (a header byte a second) or an idle keep-alive
    /// connection is closed after it.
    pub header_timeout: Duration,
    /// How long a client has to send a request's body.
    pub body_timeout: Duration,
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
            max_connections: connection_bound(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
        }
    }
}

/// Connections the server holds open at once: 4,096, or fewer if the process may not open
/// that many files (each connection is one), keeping some for the index.
fn connection_bound() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    let files = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
        usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
    } else {
        1024
    };
    files.saturating_sub(256).clamp(16, 4096)
}

/// Raises this process's open-file limit to what the system allows (a server's connections
/// are files; the usual soft limit of 1,024 is low for one).
pub fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max.min(1 << 16);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
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
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            config.body_timeout,
        ));
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

/// The checks every request passes first: the URI's length, the token, then the body's
/// announced length.
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
    // A body announced larger than the limit is refused before it is read.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "parameter",
            format!(
                "the body is {} bytes; at most {MAX_BODY_BYTES} are read: split it, or run `dossier batch`",
                announced.unwrap_or(0)
            ),
        )
        .into_response();
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
///
/// Each connection is served by hyper's HTTP/1 server with the bounds of `config`: at most
/// `max_connections` open (one more is closed at once, so it cannot take a file the others
/// need), `header_timeout` to send a request's head (so slow or idle clients do not pile up),
/// heads of at most [`MAX_HEAD_BYTES`] and [`MAX_HEADERS`] headers.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    config: &ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let bound = config.max_connections.max(1);
    let open = Arc::new(Semaphore::new(bound));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        .keep_alive(true);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of files or a connection reset before it was accepted: go on (a moment
            // later, so that an exhausted process does not spin).
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.changed() => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    let _ = stop.send(true);
    // Requests in flight finish (each within the request timeout); idle connections close.
    let _ = tokio::time::timeout(
        config.timeout + Duration::from_secs(1),
        open.acquire_many(bound as u32),
    )
    .await;
    Ok(())
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
