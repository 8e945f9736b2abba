//! `compute-ledger rate-cards …`: rate cards as ledger data, from the command line.

use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum RateCardsCommand {
    /// Import a rate cards CSV, all or nothing (audited).
    ///
    /// The header names contract, resource, from and price, and optionally utilisation (in
    /// any case and order). One card a line: the price a contract expects per unit-hour of a
    /// resource (a GPU, a megawatt) from a day on, in the contract's currency, and the share
    /// of it expected in use, a percentage (blank: 100). For example:
    ///
    ///   contract,resource,from,price,utilisation
    ///   AWS-2025-38B,GB300,2026-01-01,11.50,85
    ///   AWS-2025-38B,GB300,2026-07-01,10.25,90
    ///
    /// A card is in force from its day until the resource's next card. On any bad line
    /// (an unknown contract, the same contract, resource and day twice, a price that is not
    /// a plain positive decimal) every bad line is named, nothing is stored and the exit code
    /// is 2. A card already stored for the contract, resource and day is updated when it
    /// differs, the card before kept in the audit trail.
    #[command(verbatim_doc_comment)]
    Import {
        /// The rate cards CSV.
        file: PathBuf,
    },
    /// The cards of the latest days: contract, resource, from, price per unit-hour,
    /// utilisation.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

pub async fn rate_cards(
    db: &store::DatabaseConnection,
    actor: &str,
    command: RateCardsCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        RateCardsCommand::Import { file } => {
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let cards = match store::rate_cards::read_csv(db, &name, reader).await {
                Ok(cards) => cards,
                Err(store::ImportError::Database(e)) => return Err(e.into()),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let done = match store::rate_cards::store(db, actor, &cards).await {
                Ok(done) => done,
                // A contract removed between the check and the write.
                Err(store::ledger::WriteError::Invalid(errors)) => {
                    for e in errors {
                        eprintln!("{name}: {e}");
                    }
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            };
            tracing::info!(
                file = %file.display(),
                added = done.added,
                changed = done.changed,
                unchanged = done.unchanged,
                "rate cards imported"
            );
            Ok(ExitCode::SUCCESS)
        }
        RateCardsCommand::List { limit } => {
            for card in store::rate_cards::list(db, limit).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}%",
                    card.contract,
                    card.resource,
                    card.from,
                    card.price_text(),
                    card.utilisation_text()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
