//! Imports CSV files into a ledger with info logs (timings of each step) — for measuring the
//! importer without building the server: `cargo run --release -p store --example import_probe
//! -- sqlite://ledger.db?mode=rwc usage.csv`.
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx=warn"))
        .init();
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: import_probe URL FILE…")?;
    let db = store::connect(&url).await?;
    let sources = args
        .map(|path| store::import::ImportSource::open(std::path::Path::new(&path)))
        .collect::<Result<Vec<_>, _>>()?;
    let started = std::time::Instant::now();
    let report =
        store::import::import_files(&db, sources, "probe", Arc::new(store::import::NoProgress))
            .await;
    eprintln!(
        "{:.2} s: {:?}",
        started.elapsed().as_secs_f64(),
        report.map(|r| r.files.iter().map(|f| f.rows).sum::<u64>())
    );
    Ok(())
}
