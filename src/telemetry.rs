//! Logging: one tracing subscriber, set up once; blocking work keeps the request's span.

use tracing_subscriber::EnvFilter;

/// Installs the subscriber (`RUST_LOG` filters; `info` by default). Safe to call twice.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Runs blocking work on the blocking pool inside the caller's span.
pub async fn spawn_blocking_with_span<F, R>(f: F) -> Result<R, tokio::task::JoinError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f)).await
}
