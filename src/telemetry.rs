//! Logs and metrics: one tracing subscriber, set up once (plain text, or JSON lines with
//! `FIELDLINE_LOG_FORMAT=json`; colour only on a terminal; every line one line); the root span of
//! every request (its request id, its route template, its address with secrets redacted) and the
//! line that ends it; the Prometheus registry `/metrics` shows; and blocking work that keeps the
//! request's span.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{web, HttpMessage};
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

/// What is logged when `RUST_LOG` is not set: the service at info, the libraries only when they
/// warn (the HTTP server's worker start and stop messages are not an operator's business).
/// The HTTP layer's own refusals (a malformed request, an address or head over its limits) are
/// answered by it and logged by it at error: a client's mistake, not the operator's, so it is off.
pub const DEFAULT_FILTER: &str = "info,actix_server=warn,actix_web=warn,actix_http=off,tokio_cron_scheduler=warn";

/// A logged address is cut to this many bytes (a refused 8 KB address is not logged whole).
pub const TARGET_LOG_MAX: usize = 512;

/// The name of the header that carries a request's id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest request id taken from a client; a longer (or otherwise odd) one is replaced.
pub const REQUEST_ID_MAX: usize = 128;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event (the default).
    Text,
    /// One JSON object per line, for a log pipeline.
    Json,
}

impl LogFormat {
    /// `FIELDLINE_LOG_FORMAT`: `text` (or unset) or `json`.
    pub fn parse(value: Option<&str>) -> Result<LogFormat, String> {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(format!("FIELDLINE_LOG_FORMAT must be `text` or `json`, not {other:?}")),
        }
    }
}

/// Installs the subscriber, writing to standard error (`RUST_LOG` filters; `DEFAULT_FILTER`
/// otherwise). Colour codes are written only when standard error is a terminal (and `NO_COLOR`
/// is not set). Safe to call twice.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (format, refused) = match LogFormat::parse(std::env::var("FIELDLINE_LOG_FORMAT").ok().as_deref()) {
        Ok(f) => (f, None),
        Err(e) => (LogFormat::Text, Some(e)),
    };
    let writer = move || OneLine {
        inner: std::io::stderr(),
        escape_esc: !ansi,
    };
    let installed = match format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_ansi(ansi)
            .with_writer(writer)
            .try_init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .with_writer(writer)
            .try_init(),
    };
    if let (Ok(()), Some(e)) = (installed, refused) {
        tracing::warn!(error = ?e, "logging as text");
    }
}

/// A writer that keeps every event on one line: a line break (or, without colour, an escape
/// character) inside an event is written escaped, so no value can forge a line of its own.
/// The formatter hands each event over in one write, ending with its line break.
struct OneLine<W> {
    inner: W,
    escape_esc: bool,
}

impl<W: Write> Write for OneLine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let (body, end) = match buf.split_last() {
            Some((b'\n', body)) => (body, true),
            _ => (buf, false),
        };
        let mut out = Vec::with_capacity(buf.len() + 8);
        for &b in body {
            match b {
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                0x1b if self.escape_esc => out.extend_from_slice(b"\\x1b"),
                _ => out.push(b),
            }
        }
        if end {
            out.push(b'\n');
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

/// A request's id: the client's `X-Request-Id` when it is sane, else a new UUID. Every log line
/// of the request carries it (a field of the request's span) and the answer echoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The client's id if it is 1 to `REQUEST_ID_MAX` visible ASCII characters; a new one otherwise.
    pub fn from_header(value: Option<&[u8]>) -> RequestId {
        match value {
            Some(v) if !v.is_empty() && v.len() <= REQUEST_ID_MAX && v.iter().all(|b| (0x21..=0x7e).contains(b)) => {
                RequestId(String::from_utf8_lossy(v).into_owned())
            }
            _ => RequestId(uuid::Uuid::new_v4().to_string()),
        }
    }
}

/// When the request came in, and the route template it matched (found once: matching walks the
/// route table).
struct Started(Instant, Option<String>);

/// The paths whose answers are logged at debug only: probes and scrapes come every few seconds.
const QUIET_ROUTES: &[&str] = &["/health", "/ready", "/metrics"];

/// The text that stands in a log for a secret.
pub const REDACTED: &str = "<redacted>";

/// Whether a route template's segment is a secret: a path parameter named like a token
/// (`{token}`, `{link_token}`), as a survey link's is.
fn secret_segment(segment: &str) -> bool {
    let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
        return false;
    };
    let name = name.split(':').next().unwrap_or(name).to_ascii_lowercase();
    name.contains("token") || name.contains("secret")
}

/// Whether a query parameter holds a secret.
fn secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password", "key"].iter().any(|s| name.contains(s))
}

/// A request's address as it may be logged: the path segments that the route template names
/// as secrets, and the values of secret query parameters, are replaced by `<redacted>`.
pub fn redacted_target(path: &str, query: &str, pattern: Option<&str>) -> String {
    let mut out = match pattern {
        Some(p) if p.split('/').any(secret_segment) => {
            let template: Vec<&str> = p.split('/').collect();
            let given: Vec<&str> = path.split('/').collect();
            if template.len() == given.len() {
                given
                    .iter()
                    .zip(&template)
                    .map(|(g, t)| if secret_segment(t) { REDACTED } else { g })
                    .collect::<Vec<_>>()
                    .join("/")
            } else {
                // Not the template's shape: log the template rather than guess.
                p.to_string()
            }
        }
        _ => path.to_string(),
    };
    if !query.is_empty() {
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if secret_parameter(k) => format!("{k}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    if out.len() > TARGET_LOG_MAX {
        let total = out.len();
        let mut cut = TARGET_LOG_MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&format!("...({total} bytes)"));
    }
    out
}

/// The root span of every request, for `tracing_actix_web::TracingLogger`: the request id, the
/// method, the route template and the redacted address; and at its end one line with the status
/// and the time taken: at error for a 5xx, at info otherwise (debug for probes and scrapes).
/// A refusal is logged with its stable code only, never with the text of the input.
pub struct RootSpan;

impl RootSpanBuilder for RootSpan {
    fn on_request_start(req: &ServiceRequest) -> Span {
        let id = RequestId::from_header(req.headers().get(REQUEST_ID_HEADER).map(|v| v.as_bytes()));
        let route = req.match_pattern();
        let target = redacted_target(req.path(), req.query_string(), route.as_deref());
        let span = tracing::info_span!(
            "request",
            request_id = %id.0,
            method = %req.method(),
            route = route.as_deref().unwrap_or("-"),
            target = ?target,
            status = Empty,
        );
        req.extensions_mut().insert(id);
        req.extensions_mut().insert(Started(Instant::now(), route));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        let _entered = span.enter();
        let (status, error, elapsed) = match outcome {
            Ok(res) => {
                let started = res.request().extensions_mut().remove::<Started>();
                let elapsed = started.as_ref().map(|s| s.0.elapsed());
                if let (Some(m), Some(Started(_, route)), Some(e)) =
                    (res.request().app_data::<web::Data<Metrics>>(), &started, elapsed)
                {
                    m.observe_request(
                        route.as_deref(),
                        res.request().method().as_str(),
                        res.status().as_u16(),
                        e,
                    );
                }
                (res.status(), res.response().error(), elapsed)
            }
            Err(e) => (e.as_response_error().status_code(), Some(e), None),
        };
        let code = status.as_u16();
        span.record("status", code);
        let ms = elapsed.map(|e| e.as_secs_f64() * 1000.0).unwrap_or(0.0);
        let problem = error.map(|e| match e.as_error::<crate::error::AppError>() {
            Some(app) => app.code().as_str().to_string(),
            None => format!("{:?}", e.to_string()),
        });
        let quiet = outcome
            .as_ref()
            .ok()
            .is_some_and(|r| QUIET_ROUTES.contains(&r.request().path()));
        if status.is_server_error() {
            tracing::error!(
                status = code,
                elapsed_ms = ms,
                error = problem.as_deref(),
                "request failed"
            );
        } else if status.is_client_error() {
            tracing::info!(
                status = code,
                elapsed_ms = ms,
                error = problem.as_deref(),
                "request refused"
            );
        } else if quiet {
            tracing::debug!(status = code, elapsed_ms = ms, "request done");
        } else {
            tracing::info!(status = code, elapsed_ms = ms, "request done");
        }
    }
}

/// The middleware that opens the root span of every request.
pub fn request_logger() -> tracing_actix_web::TracingLogger<RootSpan> {
    tracing_actix_web::TracingLogger::<RootSpan>::new()
}

/// The metrics of one running service, in a registry of its own (two services in one process,
/// as in the tests, do not mix their figures). Counted as things happen: requests, job runs,
/// write groups, waits for a database connection; the database's figures (outbox, SLA
/// breaches, the pool) are read when `/metrics` is scraped.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    pub pool_wait_seconds: Histogram,
    pub pool_timeouts: IntCounter,
    pub pool_connections: IntGauge,
    pub pool_in_use: IntGauge,
    pub job_runs: IntCounterVec,
    pub job_seconds: HistogramVec,
    pub write_groups: IntCounter,
    /// Customer portal sign-in requests, by outcome: `sent` (a link e-mailed), `unknown` (no
    /// contact has the address), `limited` (over the per-address bound: nothing sent).
    pub portal_sign_ins: IntCounterVec,
    pub outbox_messages: IntGaugeVec,
    pub outbox_oldest_pending_seconds: IntGauge,
    pub sla_breaches: IntGaugeVec,
    /// Reports and exports read with a replica configured, by where they read.
    pub replica_reads: IntCounterVec,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        fn reg<T: prometheus::core::Collector + Clone + 'static>(r: &Registry, m: T) -> T {
            r.register(Box::new(m.clone())).expect("a metric is registered once");
            m
        }
        let short = vec![
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ];
        let long = vec![0.01, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0];
        Metrics {
            http_requests: reg(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "fieldline_http_requests_total",
                        "HTTP requests answered, by route template, method and status",
                    ),
                    &["route", "method", "status"],
                )
                .expect("metric"),
            ),
            http_seconds: reg(
                &registry,
                HistogramVec::new(
                    HistogramOpts::new(
                        "fieldline_http_request_duration_seconds",
                        "Time to answer an HTTP request, by route template and method",
                    )
                    .buckets(short.clone()),
                    &["route", "method"],
                )
                .expect("metric"),
            ),
            pool_wait_seconds: reg(
                &registry,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "fieldline_db_pool_wait_seconds",
                        "Time spent waiting for a database connection from the pool",
                    )
                    .buckets(short),
                )
                .expect("metric"),
            ),
            pool_timeouts: reg(
                &registry,
                IntCounter::new(
                    "fieldline_db_pool_timeouts_total",
                    "Waits for a database connection that gave up",
                )
                .expect("metric"),
            ),
            pool_connections: reg(
                &registry,
                IntGauge::new("fieldline_db_pool_connections", "Database connections the pool holds").expect("metric"),
            ),
            pool_in_use: reg(
                &registry,
                IntGauge::new(
                    "fieldline_db_pool_connections_in_use",
                    "Database connections in use (held, not idle)",
                )
                .expect("metric"),
            ),
            job_runs: reg(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "fieldline_job_runs_total",
                        "Scheduled job runs on this node, by job and outcome (ran, skipped: slot taken, failed)",
                    ),
                    &["job", "outcome"],
                )
                .expect("metric"),
            ),
            job_seconds: reg(
                &registry,
                HistogramVec::new(
                    HistogramOpts::new("fieldline_job_run_duration_seconds", "Time a job run took, by job")
                        .buckets(long),
                    &["job"],
                )
                .expect("metric"),
            ),
            write_groups: reg(
                &registry,
                IntCounter::new(
                    "fieldline_write_groups_total",
                    "Transactions the group writer wrote (technicians' positions and ticket registrations, one per group of requests)",
                )
                .expect("metric"),
            ),
            portal_sign_ins: reg(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "fieldline_portal_sign_in_requests_total",
                        "Customer portal sign-in link requests, by outcome (sent, unknown, limited)",
                    ),
                    &["outcome"],
                )
                .expect("metric"),
            ),
            outbox_messages: reg(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        "fieldline_outbox_messages",
                        "E-mails in the outbox, by status (pending, dead)",
                    ),
                    &["status"],
                )
                .expect("metric"),
            ),
            outbox_oldest_pending_seconds: reg(
                &registry,
                IntGauge::new(
                    "fieldline_outbox_oldest_pending_age_seconds",
                    "Age of the oldest pending e-mail (0 when none is pending)",
                )
                .expect("metric"),
            ),
            sla_breaches: reg(
                &registry,
                IntGaugeVec::new(
                    Opts::new(
                        "fieldline_sla_breaches_recorded",
                        "Tickets with a recorded SLA breach, by clock (response, hotline, remote, departure, arrival, resolution, callback)",
                    ),
                    &["clock"],
                )
                .expect("metric"),
            ),
            replica_reads: reg(
                &registry,
                IntCounterVec::new(
                    Opts::new(
                        "fieldline_report_reads_total",
                        "Reports and exports read with a replica configured, by source (replica, primary_replica_down, primary_replica_behind)",
                    ),
                    &["source"],
                )
                .expect("metric"),
            ),
            registry,
        }
    }

    /// Counts an answered request under its route template (`unmatched` when no route matched,
    /// so unknown addresses do not make new series).
    pub fn observe_request(&self, route: Option<&str>, method: &str, status: u16, elapsed: Duration) {
        let route = route.unwrap_or("unmatched");
        let method = if matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") {
            method
        } else {
            "other"
        };
        self.http_requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.http_seconds
            .with_label_values(&[route, method])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a job run and its time.
    pub fn observe_job(&self, job: &str, outcome: &str, elapsed: Duration) {
        self.job_runs.with_label_values(&[job, outcome]).inc();
        if outcome != "skipped" {
            self.job_seconds
                .with_label_values(&[job])
                .observe(elapsed.as_secs_f64());
        }
    }

    /// Everything in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let encoder = prometheus::TextEncoder::new();
        if let Err(e) = encoder.encode_utf8(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "the metrics could not be written");
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_survey_token_is_redacted_from_the_target() {
        assert_eq!(
            redacted_target("/survey/abcDEF123", "", Some("/survey/{token}")),
            "/survey/<redacted>"
        );
        assert_eq!(
            redacted_target("/api/v1/surveys/abc", "lang=en", Some("/api/v1/surveys/{token}")),
            "/api/v1/surveys/<redacted>?lang=en"
        );
        assert_eq!(
            redacted_target("/api/v1/tickets/5", "", Some("/api/v1/tickets/{id}")),
            "/api/v1/tickets/5"
        );
        assert_eq!(
            redacted_target("/x", "access_token=s3cr3t&limit=5", None),
            "/x?access_token=<redacted>&limit=5"
        );
        let long = redacted_target("/x", &"a".repeat(9000), None);
        assert!(
            long.len() < TARGET_LOG_MAX + 20 && long.ends_with("...(9003 bytes)"),
            "{long}"
        );
    }

    #[test]
    fn a_request_id_is_taken_only_when_sane() {
        assert_eq!(RequestId::from_header(Some(b"abc-123")).0, "abc-123");
        for odd in [&b""[..], b"has space", b"new\nline", &[b'a'; REQUEST_ID_MAX + 1]] {
            let id = RequestId::from_header(Some(odd)).0;
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{odd:?} gave {id}");
        }
        assert!(uuid::Uuid::parse_str(&RequestId::from_header(None).0).is_ok());
    }

    #[test]
    fn a_line_break_inside_an_event_is_escaped() {
        let mut w = OneLine {
            inner: Vec::new(),
            escape_esc: true,
        };
        w.write_all(b"error=a\nFORGED line\r \x1b[31m\n").unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "error=a\\nFORGED line\\r \\x1b[31m\n"
        );
    }

    #[test]
    fn the_log_format_is_text_or_json() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("JSON")), Ok(LogFormat::Json));
        assert!(LogFormat::parse(Some("xml")).is_err());
    }

    #[test]
    fn requests_are_counted_by_route_template() {
        let m = Metrics::new();
        m.observe_request(Some("/api/v1/tickets/{id}"), "GET", 200, Duration::from_millis(3));
        let text = m.render();
        assert!(text
            .contains("fieldline_http_requests_total{method=\"GET\",route=\"/api/v1/tickets/{id}\",status=\"200\"} 1"));
        assert!(text.contains("fieldline_http_request_duration_seconds_bucket"));
    }
}
