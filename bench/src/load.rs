//! The load test (scripts/load.sh): the release server as its own process on loopback, and
//! N simulated users for a bounded time, each looping over a mix of dashboard page views,
//! report CSV exports and ledger writes (a usage entry through the same server function the
//! form uses). Prints throughput, p50/p95/p99 per kind and every error, then checks that each
//! acknowledged write is in the database and no unacknowledged one is.

use anyhow::{bail, Context};
use bench::http::{percentile, request};
use clap::Parser;
use sea_orm::{ConnectionTrait, Statement};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// The database the server runs on (SQLite file or PostgreSQL), already holding a ledger.
    #[arg(long)]
    database_url: String,
    /// The compute-ledger binary to serve with.
    #[arg(long)]
    bin: std::path::PathBuf,
    /// Simulated users.
    #[arg(long, default_value_t = 200)]
    users: usize,
    /// How long the load runs.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Where the site's static files are (the server only needs them for /pkg).
    #[arg(long, default_value = "target/site")]
    site: std::path::PathBuf,
    /// Each user's pause between requests, drawn evenly from this range in milliseconds (a
    /// person reads a page before the next click; 0-0 makes it a flood).
    #[arg(long, default_value = "2000-8000")]
    think_ms: String,
    /// A name for the printed table row.
    #[arg(long, default_value = "")]
    label: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Dashboard,
    Export,
    Write,
}

const DASHBOARDS: &[&str] = &[
    "/",
    "/dashboards/burndown",
    "/dashboards/ratio",
    "/dashboards/concentration",
];
const EXPORTS: &[&str] = &[
    "/api/reports/burndown.csv",
    "/api/reports/ratio-ttm.csv",
    "/api/reports/concentration.csv",
    "/api/reports/projection.csv",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = store::connect(&args.database_url).await?;
    let contract = first_contract(&db).await?;
    // One account per simulated user, as in a real team: what a user sees after their own
    // write is kept apart from what others see (reports::ReportCache::viewed_by).
    let mut sessions = Vec::new();
    for u in 0..args.users {
        let editor = load_user(&db, &format!("load-editor-{u}")).await?;
        let s = store::auth::create_session(&db, editor, chrono::Duration::hours(2)).await?;
        sessions.push((format!("ledger_session={}", s.secret), s.csrf_token));
    }
    let entries_before = count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_entries").await?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(&args.bin)
        .args([
            "--database-url",
            &args.database_url,
            "serve",
            "--no-demo",
            "--addr",
            &addr,
        ])
        .env("LEPTOS_SITE_ROOT", &args.site)
        .env("LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .context("starting the server")?;
    let started = Instant::now();
    while request(&addr, "GET", "/healthz", "", None)
        .await
        .map(|r| r.status)
        .ok()
        != Some(200)
    {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (think_low, think_high) = args
        .think_ms
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
        .filter(|(a, b)| a <= b)
        .context("--think-ms is LOW-HIGH in milliseconds, e.g. 2000-8000")?;
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut users = Vec::new();
    for (u, (cookie, csrf)) in sessions.into_iter().enumerate() {
        let (addr, contract) = (addr.clone(), contract.clone());
        users.push(tokio::spawn(async move {
            let mut timings: Vec<(Kind, f64)> = Vec::new();
            let mut errors: Vec<String> = Vec::new();
            let mut written: Vec<i64> = Vec::new();
            let mut n = 0u64;
            // A cheap deterministic spread per user (no RNG crate needed for a pause).
            let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ (u as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            while Instant::now() < deadline {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pause = think_low + seed % (think_high - think_low + 1);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                if Instant::now() >= deadline {
                    break;
                }
                n += 1;
                // 60% dashboards, 20% exports, 20% writes, spread so users do not move in step.
                let pick = (n + u as u64 * 7) % 10;
                let began = Instant::now();
                let (kind, outcome) = if pick < 6 {
                    let path = DASHBOARDS[(n as usize + u) % DASHBOARDS.len()];
                    (Kind::Dashboard, request(&addr, "GET", path, &cookie, None).await.map(|r| (r.status, path.to_owned(), r.body)))
                } else if pick < 8 {
                    let path = EXPORTS[(n as usize + u) % EXPORTS.len()];
                    (Kind::Export, request(&addr, "GET", path, &cookie, None).await.map(|r| (r.status, path.to_owned(), r.body)))
                } else {
                    // Amounts unique per user and request, so each write can be found afterwards.
                    let cents = 100_000_000 + u as i64 * 1_000_000 + n as i64;
                    let form = format!(
                        "csrf_token={csrf}&usage%5Bcontract%5D={contract}&usage%5Bdate%5D=2026-06-{:02}&usage%5Bamount%5D={}.{:02}&usage%5Bquantity%5D=1&usage%5Bunit%5D=gpu_hour&usage%5Bsku%5D=load",
                        1 + n % 28,
                        cents / 100,
                        cents % 100
                    );
                    let outcome = request(&addr, "POST", "/api/add_usage", &cookie, Some(&form)).await;
                    if let Ok(r) = &outcome {
                        if r.status == 200 && String::from_utf8_lossy(&r.body).contains("\"Ok\"") {
                            written.push(cents);
                        }
                    }
                    (Kind::Write, outcome.map(|r| (r.status, "add_usage".to_owned(), r.body)))
                };
                let ms = began.elapsed().as_secs_f64() * 1000.0;
                match outcome {
                    Ok((200, path, body)) if kind != Kind::Write || String::from_utf8_lossy(&body).contains("\"Ok\"") => {
                        let _ = path;
                        timings.push((kind, ms));
                    }
                    Ok((status, path, body)) => errors.push(format!(
                        "{path}: {status} {}",
                        String::from_utf8_lossy(&body[..body.len().min(160)])
                    )),
                    Err(e) => errors.push(format!("{kind:?}: {e}")),
                }
            }
            (timings, errors, written)
        }));
    }
    let mut timings = Vec::new();
    let mut errors = Vec::new();
    let mut written = Vec::new();
    for user in users {
        let (t, e, w) = user.await?;
        timings.extend(t);
        errors.extend(e);
        written.extend(w);
    }
    let elapsed = args.seconds as f64;
    server.kill().ok();
    server.wait().ok();

    // No write lost, none invented.
    let entries_after = count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_entries").await?;
    let stored: std::collections::HashSet<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT amount_e6 / 10000 FROM usage_entries WHERE sku = 'load'".to_owned(),
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let lost = written.iter().filter(|c| !stored.contains(c)).count();

    println!("| run | users (pause) | requests/s | dashboards p50 / p95 / p99 | exports p50 / p95 / p99 | writes p50 / p95 / p99 | errors | writes acknowledged / stored |");
    println!("|---|---|---|---|---|---|---|---|");
    let cell = |kind: Kind| {
        let mut ms: Vec<f64> = timings
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, ms)| *ms)
            .collect();
        ms.sort_by(f64::total_cmp);
        format!(
            "{:.0} / {:.0} / {:.0} ms (n={})",
            percentile(&ms, 50.0),
            percentile(&ms, 95.0),
            percentile(&ms, 99.0),
            ms.len()
        )
    };
    println!(
        "| {} | {} ({} ms) | {:.0} | {} | {} | {} | {} | {} / {} |",
        args.label,
        args.users,
        args.think_ms,
        (timings.len() + errors.len()) as f64 / elapsed,
        cell(Kind::Dashboard),
        cell(Kind::Export),
        cell(Kind::Write),
        errors.len(),
        written.len(),
        entries_after - entries_before,
    );
    for e in errors.iter().take(10) {
        eprintln!("error: {e}");
    }
    if lost > 0 || entries_after - entries_before != written.len() as i64 {
        bail!(
            "{lost} acknowledged writes missing; {} stored vs {} acknowledged",
            entries_after - entries_before,
            written.len()
        );
    }
    if !errors.is_empty() {
        bail!("{} requests failed", errors.len());
    }
    Ok(())
}

/// An editor who only signs in through the session made here: no password hash to compute
/// (argon2 would take minutes for 500 users), and none that could sign in.
async fn load_user(db: &sea_orm::DatabaseConnection, name: &str) -> anyhow::Result<i64> {
    use sea_orm::{ActiveModelTrait, Set};
    if let Some(user) = store::auth::find_user(db, name).await? {
        return Ok(user.id);
    }
    let user = store::entities::user::ActiveModel {
        username: Set(name.to_owned()),
        password_hash: Set("!".to_owned()),
        role: Set(domain::Role::Editor.as_str().to_owned()),
        created_at: Set(chrono::Utc::now()),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(user.id)
}

async fn first_contract(db: &sea_orm::DatabaseConnection) -> anyhow::Result<String> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT reference FROM contracts WHERE start_date <= '2026-06-01' AND end_date >= '2026-06-30' ORDER BY id LIMIT 1".to_owned(),
        ))
        .await?
        .context("no contract covering June 2026 to write usage against")?;
    Ok(row.try_get_by_index(0)?)
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .context("count returned no row")?;
    Ok(row.try_get_by_index(0)?)
}
