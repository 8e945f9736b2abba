//! `compute-ledger rates …`: exchange rates as ledger data, from the command line.

use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum RatesCommand {
    /// Import a rates CSV, all or nothing: a header naming date, currency and rate (units of
    /// the currency per unit of the base, e.g. 2026-11-30,USD,1.0812) and optionally base.
    /// A rate already stored for the day is updated when it differs (audited).
    Import {
        file: PathBuf,
        /// The base of rows without a base column (the ECB's is EUR).
        #[arg(long, default_value = "EUR")]
        base: String,
    },
    /// The newest rates: date, base, currency, rate.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

pub async fn rates(
    db: &store::DatabaseConnection,
    actor: &str,
    command: RatesCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        RatesCommand::Import { file, base } => {
            let base = domain::Currency::parse(&base).map_err(|e| anyhow::anyhow!("--base {e}"))?;
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rates = match store::fx::parse_csv(&name, reader, base) {
                Ok(rates) => rates,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let done = store::fx::store(db, actor, &rates).await?;
            tracing::info!(
                file = %file.display(),
                added = done.added,
                changed = done.changed,
                unchanged = done.unchanged,
                "rates imported"
            );
            Ok(ExitCode::SUCCESS)
        }
        RatesCommand::List { limit } => {
            for rate in store::fx::list(db, limit).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    rate.date,
                    rate.base,
                    rate.currency,
                    rate.text()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
