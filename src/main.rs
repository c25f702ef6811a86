//! The `fieldline` command: serve, migrate, manage users, load demo data, print the OpenAPI document.

use clap::{Parser, Subcommand};
use fieldline::config::Settings;
use fieldline::startup::Application;
use fieldline::{api, db, telemetry};

#[derive(Parser)]
#[command(name = "fieldline", version, about = "Field-service dispatch and fault tracking")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load a small realistic data set (regions, customers of every tier, sites, assets, users of
    /// every role), or with --scale N a large generated one for load runs.
    Demo {
        /// Generate N technicians, 10N sites and 100N tickets (with their timeline, visits and
        /// positions) instead of the small set.
        #[arg(long, value_name = "N")]
        scale: Option<usize>,
        /// The database to fill (default: DATABASE_URL).
        #[arg(long)]
        database_url: Option<String>,
        /// With --scale: write what was made (users, password, work to pick) to this JSON file.
        #[arg(long, requires = "scale")]
        manifest: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from FIELDLINE_NEW_USER_PASSWORD.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    one_allocator_arena_per_core();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// glibc's allocator gives a thread that finds the arenas busy an arena of its own, up to eight
/// per core, and each keeps the memory freed in it: under the mixed load run the server's peak
/// memory was 182 MiB with those arenas and 143 MiB with one per core, for about 4 % of the
/// run's throughput (docs/benchmarks.md, "Memory").
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_allocator_arena_per_core() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // SAFETY: called first in `main`, before any other thread exists; `mallopt` only sets a
    // limit of the allocator, and a refusal (it returns 0) leaves the default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, i32::try_from(cores).unwrap_or(i32::MAX));
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_allocator_arena_per_core() {}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::Openapi)) {
        print!("{}", api::openapi_document());
        return Ok(());
    }
    telemetry::init();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let (app, boot) = Application::build(settings.clone()).await?;
            if let Some(p) = boot.generated_admin_password {
                println!("Created the first admin: username `admin`, password `{p}` (shown once; change it).");
            }
            let base = format!("http://{}:{}", settings.host, app.port());
            tracing::info!(
                api = %format!("{base}/api/v1"),
                console = %format!("{base}/console"),
                openapi = %format!("{base}/openapi.json"),
                port = app.port(),
                "serving"
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let url = settings.database_url.clone();
            tokio::task::spawn_blocking(move || db::connect(&url, 1)).await??;
            println!("migrations are up to date");
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    display_name,
                    email,
                },
        } => {
            let password = std::env::var("FIELDLINE_NEW_USER_PASSWORD")
                .map_err(|_| anyhow::anyhow!("set FIELDLINE_NEW_USER_PASSWORD to the new user's password"))?;
            let url = settings.database_url.clone();
            let user = tokio::task::spawn_blocking(move || {
                fieldline::seed::demo::create_user(
                    &url,
                    &username,
                    &role,
                    display_name.as_deref(),
                    email.as_deref(),
                    &password,
                )
            })
            .await??;
            println!("created user {} ({}) with id {}", user.username, user.role, user.id);
        }
        Command::Demo {
            scale,
            database_url,
            manifest,
        } => {
            let url = database_url.unwrap_or_else(|| settings.database_url.clone());
            match scale {
                None => {
                    let settings = settings.clone();
                    let summary =
                        tokio::task::spawn_blocking(move || fieldline::seed::demo::load(&url, &settings)).await??;
                    println!("{summary}");
                }
                Some(n) => {
                    let tz: chrono_tz::Tz = settings
                        .time_zone
                        .parse()
                        .map_err(|e| anyhow::anyhow!("FIELDLINE_TIME_ZONE: {e}"))?;
                    let now = fieldline::clock::Clock::System.now();
                    let (summary, seeded) =
                        tokio::task::spawn_blocking(move || fieldline::seed::demo::load_scale(&url, n, now, tz))
                            .await??;
                    if let Some(path) = manifest {
                        std::fs::write(&path, serde_json::to_vec(&seeded)?)?;
                    }
                    println!("{summary}");
                }
            }
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}
