//! Start-up: `Application::build(settings)` opens the database (running its migrations), makes
//! sure there is a first admin, binds the listener and returns the server ready to run; the state
//! every handler and job can reach; and the helper that runs database work off the async threads.

use crate::clock::Clock;
use crate::config::Settings;
use crate::{api, auth, db, error, jobs, mail, service, telemetry};
use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;

/// What every handler can reach.
pub struct AppState {
    pub pool: db::Pool,
    pub settings: Settings,
    pub keys: auth::tokens::TokenKeys,
    pub clock: Clock,
    /// Where the outbox relay hands e-mails over.
    pub mailer: mail::Mailer,
    /// Writes technicians' positions and ticket registrations in groups, one transaction each.
    pub writer: db::group_writer::GroupWriter,
    /// The figures `/metrics` shows.
    pub metrics: web::Data<telemetry::Metrics>,
    /// Users' token states, kept on PostgreSQL while the node's listener hears of their changes.
    pub tokens: std::sync::Arc<auth::cache::TokenCache>,
    /// Makes day plans off the request threads.
    pub planner: std::sync::Arc<service::day_plans::Planner>,
    /// The read replica reports and exports read, when one is configured.
    pub replica: Option<db::replica::Replica>,
}

/// Runs database work on the blocking pool, in the caller's span, with a pooled connection.
pub async fn blocking<T, F>(state: &web::Data<AppState>, f: F) -> error::AppResult<T>
where
    F: FnOnce(&mut db::DbConn, &AppState) -> error::AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let st = state.clone();
    telemetry::spawn_blocking_with_span(move || {
        let waited = std::time::Instant::now();
        let conn = st.pool.get();
        st.metrics.pool_wait_seconds.observe(waited.elapsed().as_secs_f64());
        let mut conn = conn.inspect_err(|_| st.metrics.pool_timeouts.inc())?;
        db::users::take_token_states_written();
        let result = f(&mut conn, &st);
        // The work's transactions are over: a user whose token state it wrote is read afresh
        // at their next request on this node (other nodes hear of it from PostgreSQL).
        for id in db::users::take_token_states_written() {
            st.tokens.forget(id);
        }
        result
    })
    .await
    .map_err(error::AppError::internal)?
}

/// Runs read-only work (a report, an export) on the read replica when one is configured and
/// close enough behind, else on the primary as `blocking` does. Work that fails on the replica
/// for want of a database (it went down meanwhile) runs again on the primary.
pub async fn blocking_read<T, F>(state: &web::Data<AppState>, f: F) -> error::AppResult<T>
where
    F: Fn(&mut db::DbConn, &AppState) -> error::AppResult<T> + Send + Sync + 'static,
    T: Send + 'static,
{
    use db::replica::Source;
    let f = std::sync::Arc::new(f);
    if state.replica.is_some() {
        let st = state.clone();
        let work = f.clone();
        let on_replica = telemetry::spawn_blocking_with_span(move || {
            let replica = st.replica.as_ref().expect("a replica");
            let source = match replica.fresh() {
                Ok(mut conn) => match work(&mut conn, &st) {
                    Err(error::AppError::Internal(e)) => {
                        tracing::warn!(error = %format!("{e:#}"), "a read on the replica failed; reading the primary");
                        replica.rest();
                        Source::PrimaryReplicaDown
                    }
                    Err(error::AppError::Unavailable(_)) => {
                        replica.rest();
                        Source::PrimaryReplicaDown
                    }
                    done => {
                        st.metrics
                            .replica_reads
                            .with_label_values(&[Source::Replica.as_str()])
                            .inc();
                        return Some(done);
                    }
                },
                Err(source) => source,
            };
            st.metrics.replica_reads.with_label_values(&[source.as_str()]).inc();
            None
        })
        .await
        .map_err(error::AppError::internal)?;
        if let Some(done) = on_replica {
            return done;
        }
    }
    blocking(state, move |c, st| f(c, st)).await
}

pub struct Application {
    port: u16,
    server: Server,
    scheduler: Option<tokio_cron_scheduler::JobScheduler>,
    mailer: mail::Mailer,
}

/// The first admin's password when start-up had to generate one (print it once).
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub generated_admin_password: Option<String>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<(Application, Bootstrap)> {
        Self::build_with_clock(settings, Clock::System).await
    }

    pub async fn build_with_clock(settings: Settings, clock: Clock) -> anyhow::Result<(Application, Bootstrap)> {
        settings.validate()?;
        // The knowledge base's Chinese dictionary loads in about a second: on a thread of its own
        // now, rather than in the first search.
        std::thread::spawn(|| crate::domain::knowledge::tokens("预热"));
        let pool = {
            let url = settings.database_url.clone();
            let size = settings.database_pool_size;
            tokio::task::spawn_blocking(move || db::connect(&url, size)).await??
        };
        // The group writer's connections, of its own: the requests that hand it their writes hold
        // connections of the main pool while they wait for it.
        let writer_pool = {
            let url = settings.database_url.clone();
            tokio::task::spawn_blocking(move || db::open_for_writer(&url)).await??
        };
        let bootstrap = {
            let pool = pool.clone();
            let configured = settings.admin_password.clone();
            let now = clock.now();
            let tz = settings.time_zone.tz();
            tokio::task::spawn_blocking(move || -> anyhow::Result<Bootstrap> {
                let mut conn = pool.get()?;
                db::one_node_at_a_time(&mut conn, |c| -> anyhow::Result<Bootstrap> {
                    service::sla::ensure_defaults(c, now, tz)?;
                    Ok(Bootstrap {
                        generated_admin_password: service::users::ensure_first_admin(c, now, configured)?,
                    })
                })
            })
            .await??
        };
        let mailer = mail::Mailer::from_settings(&settings.mail)?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))?;
        let port = listener.local_addr()?.port();
        let metrics = web::Data::new(telemetry::Metrics::new());
        let tokens = std::sync::Arc::new(auth::cache::TokenCache::new());
        if db::backend_of(&settings.database_url) == db::BackendKind::Postgres {
            auth::listener::start(&settings.database_url, &tokens)?;
        }
        let state = web::Data::new(AppState {
            keys: auth::tokens::TokenKeys::new(&settings),
            writer: db::group_writer::GroupWriter::start(writer_pool, metrics.write_groups.clone())?,
            metrics: metrics.clone(),
            tokens,
            planner: std::sync::Arc::new(service::day_plans::Planner::start(
                pool.clone(),
                settings.clone(),
                clock.clone(),
            )),
            replica: settings.replica_url.as_deref().map(|url| {
                db::replica::Replica::new(
                    url,
                    settings.database_pool_size.clamp(1, 4),
                    settings.replica_max_lag_seconds,
                )
            }),
            pool,
            settings,
            clock,
            mailer: mailer.clone(),
        });
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            // The request's span opens first (outermost), so the protective headers, the
            // address limit and every handler log inside it.
            App::new()
                .wrap(actix_web::middleware::from_fn(api::protect))
                .wrap(telemetry::request_logger())
                .app_data(app_state.clone())
                .app_data(metrics.clone())
                .configure(api::configure)
        })
        .listen(listener)?
        .run();
        let scheduler = jobs::start(state).await?;
        Ok((
            Application {
                port,
                server,
                scheduler,
                mailer,
            },
            bootstrap,
        ))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The mailer the relay uses (a memory mailer's clone shares its store).
    pub fn mailer(&self) -> mail::Mailer {
        self.mailer.clone()
    }

    /// Serves until the server stops, then stops the scheduler.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(mut s) = self.scheduler {
            let _ = s.shutdown().await;
        }
        result
    }
}
