//! The `fieldline` command: serve, migrate, manage users, load demo data, print the OpenAPI document.

use clap::{Parser, Subcommand};
use fieldline::config::Settings;
use fieldline::{api, db, telemetry, Application};

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
    /// Load a small realistic data set (regions, customers of every tier, sites, assets, users of every role).
    Demo,
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
            tracing::info!(host = %settings.host, port = app.port(), "serving");
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
                fieldline::demo::create_user(
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
        Command::Demo => {
            let url = settings.database_url.clone();
            let summary = tokio::task::spawn_blocking(move || fieldline::demo::load(&url)).await??;
            println!("{summary}");
        }
        Command::Openapi => unreachable!("handled above"),
    }
    Ok(())
}
