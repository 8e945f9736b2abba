//! The benchmark (run by scripts/bench.sh): for each data size it measures
//! - CSV import of usage into a fresh SQLite file (rows/s, peak memory of the importer)
//!   against `sqlite3 .import` of the same file, and into PostgreSQL (when the run has one:
//!   scripts/bench.sh starts a throw-away cluster) against `psql \copy`; each imported
//!   ledger is checked against the file,
//! - the three core reports recomputed from the raw CSVs with polars, against DuckDB on
//!   the same files in the same run (ratio = ours ÷ DuckDB), and checks the numbers agree,
//! - report latency from the live store (p50/p95 over repeated requests),
//! - dashboard pages rendered by the real router over loopback HTTP (p50/p95),
//! - the largest report exported as CSV, Excel and Parquet (time, peak memory, size),
//! - a board pack made as a PDF, on the demo ledger and on each benchmark ledger.
//!
//! Timing assertions do not belong in tests; this prints figures and ratios instead.

mod import_speed;
mod pack_time;

use anyhow::{bail, Context};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Usage rows per run (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1000000,10000000")]
    rows: Vec<u64>,
    /// Where generated data and databases go.
    #[arg(long, default_value = "bench-data")]
    data: PathBuf,
    /// The compute-ledger binary to import with.
    #[arg(long)]
    bin: PathBuf,
    /// Reuse the database of an earlier run instead of importing again.
    #[arg(long)]
    skip_import: bool,
    /// Repetitions of each recompute (the best is kept).
    #[arg(long, default_value_t = 3)]
    runs: u32,
    /// Measure the imports only (and check the imported ledgers).
    #[arg(long)]
    import_only: bool,
    /// Time the board pack only (on the demo ledger and on each size's ledger, imported with
    /// SQLite when not there yet).
    #[arg(long)]
    pack_only: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.import_only {
        let pack = pack_time::demo_pack_seconds(args.runs).await?;
        println!("board pack of the demo ledger: {pack}");
    }
    let mut lines = Vec::new();
    for &rows in &args.rows {
        let dir = args.data.join(format!("rows-{rows}"));
        if !dir.join("usage.csv").exists() {
            run(Command::new("python3")
                .args(["bench/gen_ledger.py", "--rows", &rows.to_string(), "--out"])
                .arg(&dir))?;
        }
        if args.pack_only {
            if !dir.join("bench.db").exists() {
                import(&args.bin, &dir, &db_url(&dir), rows)?;
            }
            let pack = pack_time::pack_seconds(&db_url(&dir), args.runs).await?;
            println!("board pack at {rows} usage rows: {pack}");
            continue;
        }
        let (import, against_sqlite3) = if args.skip_import {
            let none = Import {
                seconds: f64::NAN,
                rows_per_second: f64::NAN,
                peak_mb: 0,
            };
            (none, f64::NAN)
        } else {
            imports(&args.bin, &dir, rows).await?
        };
        if args.import_only {
            continue;
        }
        let (ours, duck) = recompute(&dir, args.runs)?;
        let latency = live_latency(&dir).await?;
        let pages = page_latency(&dir).await?;
        println!("dashboard pages at {rows} usage rows (loopback HTTP, server-rendered): {pages}");
        let exports = exports(&args.bin, &dir)?;
        println!("largest export at {rows} usage rows (burn-down, CLI from the store): {exports}");
        let pack = pack_time::pack_seconds(&db_url(&dir), args.runs).await?;
        println!("board pack at {rows} usage rows: {pack}");
        lines.push(format!(
            "| {rows} | {:.0} rows/s ({:.1} s) | {:.2}× | {} MB | {ours:.3} s | {duck:.3} s | {:.2}× | {} |",
            import.rows_per_second,
            import.seconds,
            against_sqlite3,
            import.peak_mb,
            ours / duck,
            latency
        ));
        println!("{}", lines.last().unwrap());
    }
    println!("\n| usage rows | import into SQLite | ours ÷ sqlite3 .import | importer peak RSS | recompute (polars) | recompute (DuckDB) | ours ÷ DuckDB | live-store report p50 / p95 |");
    println!("|---|---|---|---|---|---|---|---|");
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

fn run(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

struct Import {
    seconds: f64,
    rows_per_second: f64,
    peak_mb: u64,
}

fn db_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("bench.db").display())
}

/// Our import into SQLite (and PostgreSQL, when `LEDGER_TEST_POSTGRES_URL` names a server)
/// against the database's own loader; each imported ledger checked against the file.
/// Returns the SQLite import and its ratio to `sqlite3 .import`.
async fn imports(bin: &Path, dir: &Path, rows: u64) -> anyhow::Result<(Import, f64)> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("bench.db{suffix}")));
    }
    let ours = import(bin, dir, &db_url(dir), rows)?;
    let checked = import_speed::check_ledger(&db_url(dir), dir).await?;
    let sqlite3 = import_speed::sqlite3_import(dir)?;
    let ratio = ours.seconds / sqlite3;
    println!(
        "import at {rows} rows into SQLite: ours {:.1} s ({:.0} rows/s, {} MB peak), sqlite3 .import {sqlite3:.1} s: ours ÷ sqlite3 = {ratio:.2}× (ledger checked: {checked} rows, each contract's sum)",
        ours.seconds, ours.rows_per_second, ours.peak_mb
    );
    if let Ok(admin) = std::env::var("LEDGER_TEST_POSTGRES_URL") {
        let url = import_speed::fresh_postgres(&admin, &format!("bench_{rows}"))?;
        let pg = import(bin, dir, &url, rows)?;
        let checked = import_speed::check_ledger(&url, dir).await?;
        let copy = import_speed::psql_copy(&url, dir)?;
        println!(
            "import at {rows} rows into PostgreSQL: ours {:.1} s ({:.0} rows/s, {} MB peak), psql \\copy {copy:.1} s: ours ÷ psql \\copy = {:.2}× (ledger checked: {checked} rows, each contract's sum)",
            pg.seconds, pg.rows_per_second, pg.peak_mb, pg.seconds / copy
        );
    }
    Ok((ours, ratio))
}

/// Imports vendors and contracts, then times the usage import alone under /usr/bin/time.
fn import(bin: &Path, dir: &Path, url: &str, rows: u64) -> anyhow::Result<Import> {
    let url = url.to_owned();
    run(Command::new(bin)
        .args(["--database-url", &url, "import"])
        .arg(dir.join("vendors.csv"))
        .arg(dir.join("contracts.csv"))
        .arg(dir.join("revenue.csv")))?;
    let (seconds, peak_mb) = timed(
        Command::new(bin)
            .args(["--database-url", &url, "import"])
            .arg(dir.join("usage.csv")),
    )?;
    Ok(Import {
        seconds,
        rows_per_second: rows as f64 / seconds,
        peak_mb,
    })
}

/// Wall time and peak RSS (MB) of a command, under /usr/bin/time.
fn timed(cmd: &mut Command) -> anyhow::Result<(f64, u64)> {
    let mut timed = Command::new("/usr/bin/time");
    timed.args(["-f", "peak-kb=%M"]).arg(cmd.get_program());
    timed.args(cmd.get_args());
    let started = Instant::now();
    let out = run(&mut timed)?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_kb: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("peak-kb="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok((seconds, peak_kb / 1024))
}

/// The largest report (burn-down, a row per commitment and day) written by the CLI from the
/// imported store in each format: wall time and peak RSS of the whole process (it reads the
/// rollup, computes, writes), the file's size, and each format's time against the CSV's.
fn exports(bin: &Path, dir: &Path) -> anyhow::Result<String> {
    let url = db_url(dir);
    let mut cells = Vec::new();
    let mut csv_seconds = f64::NAN;
    for format in ["csv", "xlsx", "parquet"] {
        let file = dir.join(format!("burndown.{format}"));
        let (seconds, peak_mb) = timed(
            Command::new(bin)
                .args([
                    "--database-url",
                    &url,
                    "report",
                    "burndown",
                    "--format",
                    format,
                ])
                .arg("-o")
                .arg(&file),
        )?;
        if format == "csv" {
            csv_seconds = seconds;
        }
        let mb = std::fs::metadata(&file)?.len() as f64 / 1e6;
        cells.push(format!(
            "{format} {seconds:.2} s ({:.2}× CSV), {peak_mb} MB peak, {mb:.1} MB file",
            seconds / csv_seconds
        ));
    }
    let rows = std::fs::read_to_string(dir.join("burndown.csv"))?
        .lines()
        .count()
        - 1;
    Ok(format!("{rows} rows: {}", cells.join("; ")))
}

/// Best-of-`runs` wall time of the three reports from raw CSV, ours and DuckDB's, after
/// checking that both give the same numbers.
fn recompute(dir: &Path, runs: u32) -> anyhow::Result<(f64, f64)> {
    let mut best = f64::MAX;
    let mut tables = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let frames = analytics::raw::frames_from_csv(dir)?;
        let filters = analytics::Filters::default();
        let reports = [
            analytics::burn_down(&frames, &filters)?,
            analytics::vendor_concentration(&frames, &filters)?,
            analytics::infra_to_revenue(&frames, &filters)?,
        ];
        best = best.min(started.elapsed().as_secs_f64());
        tables = reports
            .iter()
            .map(analytics::ReportTable::from_frame)
            .collect::<Result<_, _>>()?;
    }
    let out = dir.join("duckdb-out");
    let duck: f64 = run(Command::new("python3")
        .arg("bench/duckdb_reports.py")
        .arg(dir)
        .arg(&out)
        .arg(runs.to_string()))?
    .trim()
    .parse()?;
    for (table, name) in tables.iter().zip(["burndown", "concentration", "ratio"]) {
        compare(table, &out.join(format!("{name}.csv")), name)?;
    }
    Ok((best, duck))
}

/// Money must match exactly; floats to 1e-9 relative.
fn compare(ours: &analytics::ReportTable, duck_csv: &Path, name: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(duck_csv)?;
    let duck: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    if duck.len() != ours.rows.len() {
        bail!(
            "{name}: {} rows from DuckDB, {} from us",
            duck.len(),
            ours.rows.len()
        );
    }
    for (i, (a, b)) in ours.rows.iter().zip(&duck).enumerate() {
        for ((x, y), kind) in a.iter().zip(b).zip(&ours.kinds) {
            let same = match kind {
                analytics::table::CellKind::Number => {
                    let (x, y): (f64, f64) = (x.parse()?, y.parse()?);
                    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
                }
                _ => x == y,
            };
            if !same {
                bail!("{name} row {i}: ours {a:?}, DuckDB {b:?}");
            }
        }
    }
    Ok(())
}

/// Report latency from the imported SQLite store, as a request would see it: "warm" while the
/// ledger is unchanged (the cached answer after one version read), and "after a write" (a
/// fresh cache: the store's daily rollup is read into frames and the report computed).
async fn live_latency(dir: &Path) -> anyhow::Result<String> {
    let db = store::connect(&db_url(dir)).await?;
    let request = reports::ReportRequest::default();
    let warm = reports::ReportCache::default();
    // One usage entry is corrected back and forth by a cent: each correction is a real write
    // (new ledger version), after which the report is asked for again. Put back at the end.
    let entry = store::ledger::usage::list(
        &db,
        &store::ledger::usage::Filter::default(),
        store::ledger::PageRequest::new(1, 1),
    )
    .await?
    .rows
    .pop()
    .context("no usage to correct")?;
    let corrected = |cents: i64| {
        let amount = domain::exact::format_full(entry.amount_e6 + cents * domain::exact::PER_MINOR);
        let quantity = domain::Quantity::from_micros(entry.quantity_micros).to_string();
        let date = entry.date.to_string();
        domain::NewUsage::parse(&domain::entries::RawUsage {
            contract: entry.contract.as_deref().unwrap_or_default(),
            vendor: "",
            currency: "",
            date: &date,
            amount: &amount,
            quantity: &quantity,
            unit: &entry.unit,
            sku: &entry.sku,
            commitment: "",
        })
        .map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    let mut cells = Vec::new();
    for name in reports::ReportName::ALL {
        let (mut warm_ms, mut cold_ms, mut write_ms) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..30 {
            let started = Instant::now();
            reports::run(&warm, &db, *name, &request).await?;
            warm_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = Instant::now();
            reports::run(&reports::ReportCache::default(), &db, *name, &request).await?;
            cold_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            store::ledger::usage::correct(&db, "bench", entry.id, corrected(i % 2)?).await?;
            let started = Instant::now();
            reports::run(&warm, &db, *name, &request).await?;
            write_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        cells.push(format!(
            "{} warm {} / after a write {} / fresh process {}",
            name.as_str(),
            p50_p95(&mut warm_ms),
            p50_p95(&mut write_ms),
            p50_p95(&mut cold_ms)
        ));
    }
    store::ledger::usage::correct(&db, "bench", entry.id, corrected(0)?).await?;
    Ok(cells.join("; "))
}

fn p50_p95(ms: &mut [f64]) -> String {
    ms.sort_by(f64::total_cmp);
    format!("{:.1}/{:.1} ms", ms[ms.len() / 2], ms[ms.len() * 95 / 100])
}

/// The dashboard pages as a signed-in browser gets them from the real router on loopback: the
/// first request after a change to the ledger, then p50/p95 of 50 more.
async fn page_latency(dir: &Path) -> anyhow::Result<String> {
    let db = store::connect(&db_url(dir)).await?;
    let user = match store::auth::find_user(&db, "bench").await? {
        Some(user) => user.id,
        None => store::auth::add_user(
            &db,
            "bench",
            "bench",
            domain::Role::Viewer,
            "bench-password-not-secret",
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let session = store::auth::create_session(&db, user, chrono::Duration::hours(1)).await?;
    // A what-if scenario, so the pages that draw one beside the baseline are timed too.
    if store::ledger::scenarios::get(&db, "Bench what-if")
        .await?
        .is_none()
    {
        let scenario = domain::scenario::Scenario {
            name: "Bench what-if".into(),
            run_rate_change_bp: -2000,
            revenue_growth_bp: 500,
            ..Default::default()
        };
        store::ledger::scenarios::create(&db, "bench", scenario)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let options = leptos::config::LeptosOptions::builder()
        .output_name("compute-ledger")
        .site_root("target/site")
        .build();
    let app = server::web::router(app::state::AppState::new(options, db));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum_serve(listener, app).await;
    });
    let cookie = format!("ledger_session={}", session.secret);
    let addr = addr.to_string();
    let get = |path: &'static str| {
        let (cookie, addr) = (cookie.clone(), addr.clone());
        async move {
            let started = Instant::now();
            let response = bench::http::request(&addr, "GET", path, &cookie, None).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if response.status != 200 {
                bail!("{path}: {}", response.status);
            }
            Ok::<_, anyhow::Error>((ms, response.body.len()))
        }
    };
    let mut cells = Vec::new();
    for path in [
        "/",
        "/dashboards/burndown",
        "/dashboards/ratio",
        "/dashboards/concentration",
        "/dashboards/deliveries",
        "/dashboards/burndown?scenario=Bench%20what-if",
        "/dashboards/ratio?scenario=Bench%20what-if",
    ] {
        let (first, bytes) = get(path).await?;
        let mut ms = Vec::new();
        for _ in 0..50 {
            ms.push(get(path).await?.0);
        }
        cells.push(format!(
            "{path} first {first:.0} ms, then {} ({} KB)",
            p50_p95(&mut ms),
            bytes / 1024
        ));
    }
    Ok(cells.join("; "))
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    if let Err(e) = axum::serve(listener, service).await {
        eprintln!("bench server stopped: {e}");
    }
}
