//! The two ceilings a load run (`scripts/load.sh`) measures the service's figures against, on the
//! same machine in the same run:
//!
//!   ceiling hello PORT
//!       An actix-web server on 127.0.0.1:PORT answering `GET /` with "hello", with the service's
//!       defaults (one worker per core): the HTTP ceiling. Runs until stopped.
//!
//!   ceiling insert DATABASE_URL ROWS [THREADS]
//!       Inserts ROWS ticket rows into a database of the service (migrated, with at least one
//!       customer and one user), one row per transaction, from THREADS threads (default 1) through
//!       the service's pool and write path, and prints the rows per second: the storage ceiling.
//!       The rows carry the columns a registration writes, with a number of their own.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use fieldline::db::schema::{customers, tickets, users};
use fieldline::db::{self, ts, write};
use fieldline::error::AppError;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("hello") => hello(args.get(1).map_or(Ok(0), |p| p.parse())?),
        Some("insert") => {
            let url = args.get(1).ok_or_else(|| anyhow::anyhow!("give the database URL"))?;
            let rows: usize = args.get(2).map_or(Ok(10_000), |n| n.parse())?;
            let threads: usize = args.get(3).map_or(Ok(1), |n| n.parse())?;
            insert(url, rows, threads.max(1))
        }
        _ => anyhow::bail!("usage: ceiling hello PORT | ceiling insert DATABASE_URL ROWS [THREADS]"),
    }
}

#[actix_web::main]
async fn hello(port: u16) -> anyhow::Result<()> {
    let server =
        actix_web::HttpServer::new(|| actix_web::App::new().route("/", actix_web::web::get().to(|| async { "hello" })))
            .bind(("127.0.0.1", port))?;
    println!("listening on {}", server.addrs()[0]);
    server.run().await?;
    Ok(())
}

fn insert(url: &str, rows: usize, threads: usize) -> anyhow::Result<()> {
    let pool = db::connect(url, threads as u32)?;
    let (customer, user): (i64, i64) = {
        let mut c = pool.get()?;
        let customer = customers::table
            .select(customers::id)
            .order(customers::id)
            .first(&mut c)?;
        let user = users::table.select(users::id).order(users::id).first(&mut c)?;
        (customer, user)
    };
    let run = uuid::Uuid::new_v4().simple().to_string();
    let started = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                let pool = pool.clone();
                let run = &run;
                s.spawn(move || -> anyhow::Result<()> {
                    let mut c = pool.get()?;
                    for i in (w..rows).step_by(threads) {
                        let now = Utc::now();
                        let number = format!("CEIL-{}-{i:08}", &run[..8]);
                        write(&mut c, |c| {
                            diesel::insert_into(tickets::table)
                                .values((
                                    (
                                        tickets::number.eq(&number),
                                        tickets::customer_id.eq(customer),
                                        tickets::customer_tier.eq("gold"),
                                        tickets::region_class.eq("urban"),
                                        tickets::channel.eq("phone"),
                                        tickets::priority.eq("p3"),
                                        tickets::title.eq("UPS alarm"),
                                        tickets::description.eq("Registered by the storage ceiling"),
                                        tickets::ladder_tier.eq("hotline"),
                                        tickets::status.eq("new"),
                                        tickets::owner_id.eq(user),
                                        tickets::created_by.eq(user),
                                        tickets::opened_at.eq(ts(now)),
                                        tickets::clock_mode.eq("business"),
                                        tickets::response_minutes.eq(15),
                                        tickets::arrival_minutes.eq(240),
                                    ),
                                    (
                                        tickets::resolution_minutes.eq(720),
                                        tickets::response_due_at.eq(ts(now + Duration::minutes(15))),
                                        tickets::resolution_due_at.eq(ts(now + Duration::hours(12))),
                                        tickets::next_check_at.eq(ts(now + Duration::minutes(15))),
                                        tickets::created_at.eq(ts(now)),
                                        tickets::updated_at.eq(ts(now)),
                                    ),
                                ))
                                .execute(c)
                                .map_err(AppError::from)
                        })?;
                    }
                    Ok(())
                })
            })
            .collect();
        for w in workers {
            w.join().map_err(|_| anyhow::anyhow!("an insert thread panicked"))??;
        }
        Ok(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"rows\":{rows},\"threads\":{threads},\"seconds\":{secs:.3},\"rows_per_second\":{:.1}}}",
        rows as f64 / secs
    );
    Ok(())
}
