use crate::serve_args::ServeArgs;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use store::import::{import_files, ImportError, ImportSource, LedgerFile};

/// Compute Ledger: multi-year compute commitments, their deliveries, the spend burned against
/// them, and revenue beside them.
///
/// With no command, runs the web app (the same as `serve`).
#[derive(Debug, Parser)]
#[command(name = "compute-ledger", version, propagate_version = true)]
pub struct Cli {
    /// Database to use: a SQLite URL (the default, a file under ./data) or postgres://…
    #[arg(long, env = "DATABASE_URL", global = true, default_value_t = store::default_database_url())]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app.
    Serve(ServeArgs),
    /// Import ledger CSV files (all or nothing): a directory holding vendors.csv,
    /// contracts.csv, commitments.csv, deliveries.csv, receipts.csv, usage.csv, revenue.csv,
    /// or single files.
    ///
    /// Files are imported in dependency order in one transaction; on any bad row nothing is
    /// written and every bad row is listed as file:line: column: reason. Entries whose key
    /// already exists (vendor name, contract reference, phase, revenue month) are rejected,
    /// and a file whose exact content was imported before is rejected.
    Import(ImportArgs),
    /// Export the raw ledger as its CSV files, in the import format.
    Export(ExportArgs),
    /// Print or save a report as CSV (or JSON): burndown, portfolio-burndown, concentration,
    /// ratio, ratio-ttm, ratio-outlook, projection, slippage, commitment-concentration, trueup,
    /// commitments, usage-burndown, plan-forecast, capacity, capacity-cost.
    ///
    /// Money has exactly two places; shares and ratios full precision. The same numbers as
    /// GET /api/reports/<name>.csv with the same filters.
    Report(ReportArgs),
    /// Create or upgrade the database schema and exit.
    Migrate,
    /// Write a consistent backup of the whole database to FILE while the app keeps running
    /// (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format). Never overwrites a file.
    Backup { file: PathBuf },
    /// Restore a backup made by `backup`, all or nothing. A database that already holds a
    /// ledger is replaced only with --replace; the restore is recorded in the audit trail.
    Restore {
        file: PathBuf,
        /// Replace the ledger in this database (it is gone afterwards; back it up first).
        #[arg(long)]
        replace: bool,
        /// Record the restore as this admin user (default: cli:$USER).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Manage users: `user add NAME --role admin` (the password is read from standard input,
    /// or asked for on a terminal), `user list`, `user set-role NAME ROLE`, `user disable NAME`.
    #[command(subcommand)]
    User(crate::cli_users::UserCommand),
    /// Manage alert rules: `alerts list`, `alerts add NAME --kind pace --threshold 10
    /// --scope contract:REF`, `alerts remove NAME`.
    #[command(subcommand)]
    Alerts(crate::cli_alerts::AlertsCommand),
    /// Write a month's board pack as PDF: `board-pack --month 2026-11 -o pack.pdf` (the
    /// newest published version, else a draft), `--draft`, `--pack-version N`, or `--publish-as
    /// NAME` to publish the next version first. Never overwrites a file.
    BoardPack(crate::board_pack::BoardPackArgs),
    /// Exchange rates: `rates import FILE [--base EUR]` (date,currency,rate; all or nothing,
    /// audited), `rates list`.
    #[command(subcommand)]
    Rates(crate::cli_rates::RatesCommand),
    /// Rate cards, the price a contract expects per unit-hour of a resource from a day on and
    /// the utilisation it expects (they drive the plan-driven forecast): `rate-cards import
    /// FILE` (contract,resource,from,price,utilisation; all or nothing, audited),
    /// `rate-cards list`.
    #[command(subcommand)]
    RateCards(crate::cli_rate_cards::RateCardsCommand),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A directory of ledger CSVs, or CSV files named after what they hold (usage.csv, usage-2026-01.csv…).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// What the given files hold, when their names do not say. `focus-usage`: a FOCUS 1.3
    /// cost-and-usage export (any provider's), imported as usage entries; rows already
    /// imported are skipped, so the same or an overlapping export can be imported again.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<LedgerFile>,
    /// For FOCUS files: which cost is spend against the commitment, `effective` (EffectiveCost,
    /// after discounts, prepayments spread) or `billed` (BilledCost, as invoiced).
    #[arg(long, default_value = "effective", value_parser = parse_focus_cost)]
    pub cost: store::focus::FocusCost,
    /// For FOCUS files: `count` (default) Adjustment rows (SLA credits, billing corrections:
    /// they change what was paid; applied to a contract only where ContractApplied names one)
    /// or `skip` them.
    #[arg(long, default_value = "count", value_parser = parse_count_or_skip)]
    pub adjustments: bool,
    /// For FOCUS files: `skip` (default) Tax rows, which are not infrastructure spend, or
    /// `count` them as spend under no contract.
    #[arg(long, default_value = "skip", value_parser = parse_count_or_skip)]
    pub taxes: bool,
    /// For FOCUS contract commitment files, which name no provider (FOCUS 1.3 has no provider
    /// column): the vendor of their contracts. A file's own x_ServiceProviderName wins.
    #[arg(long)]
    pub vendor: Option<String>,
    /// The user the import is attributed to in the audit trail; must be allowed to import.
    /// Without it the import is attributed to the operator (`cli:$USER`), who already holds
    /// the database itself.
    #[arg(long = "as")]
    pub actor: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Directory to write the ledger's CSV files into (created if missing; commitments.csv only
    /// when a contract has commitments beyond its own), with the commitments also as a FOCUS
    /// 1.3 Contract Commitment dataset (focus-contract-commitments.csv).
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// burndown, portfolio-burndown, concentration, ratio, ratio-ttm, ratio-outlook,
    /// projection, slippage, commitment-concentration, trueup, commitments, usage-burndown,
    /// plan-forecast, capacity or capacity-cost.
    pub name: String,
    /// Ignore entries after this date (YYYY-MM-DD).
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only these vendors (repeat or comma-separate).
    #[arg(long)]
    pub vendor: Vec<String>,
    /// Only these contract references (repeat or comma-separate).
    #[arg(long)]
    pub contract: Vec<String>,
    /// Only these commitment references, of whichever contract (repeat or comma-separate).
    #[arg(long)]
    pub commitment: Vec<String>,
    /// Write to this file instead of standard output (written beside it and renamed once
    /// whole, so a failure leaves the earlier file).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format (xlsx: a typed Excel workbook with a Query sheet; parquet: typed columns,
    /// money in cents; both need -o).
    #[arg(long, default_value = "csv", value_parser = ["csv", "json", "xlsx", "parquet"])]
    pub format: String,
    /// Trailing window for the projection's run-rate, in days (default 90).
    #[arg(long)]
    pub window_days: Option<String>,
    /// Compute the report under this saved what-if scenario (see the app's Scenarios page).
    #[arg(long, default_value = "")]
    pub scenario: String,
    /// Every amount converted into this currency (e.g. USD) at the stored exchange rates;
    /// without it each amount stays in its own currency.
    #[arg(long, default_value = "")]
    pub currency: String,
    /// With --currency: convert commitments at the rate of their start (start, the default)
    /// or of the as-of date (as_of).
    #[arg(long, default_value = "")]
    pub commitments_at: String,
    /// With --currency: convert every amount at the rates of this one day (YYYY-MM-DD), for
    /// constant-currency figures.
    #[arg(long, default_value = "")]
    pub constant_at: String,
}

const FOCUS_COMMITMENTS_FILE: &str = "focus-contract-commitments.csv";

fn parse_focus_cost(raw: &str) -> Result<store::focus::FocusCost, String> {
    store::focus::FocusCost::parse(raw).ok_or_else(|| "expected effective or billed".into())
}

fn parse_count_or_skip(raw: &str) -> Result<bool, String> {
    store::focus::parse_count_or_skip(raw).ok_or_else(|| "expected count or skip".into())
}

fn parse_kind(raw: &str) -> Result<LedgerFile, String> {
    LedgerFile::parse(raw).ok_or_else(|| {
        format!(
            "expected one of {}",
            LedgerFile::ALL
                .iter()
                .chain(LedgerFile::FOREIGN)
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn default_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::from_env()));
    let db = store::connect(&cli.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&cli.database_url)))?;
    match command {
        Command::Serve(args) => crate::web::serve(db, args)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Import(args) => import(db, args).await,
        Command::Export(args) => {
            let started = Instant::now();
            for (kind, rows) in store::export::export_dir(&db, &args.dir).await? {
                tracing::info!(file = %args.dir.join(kind.file_name()).display(), rows, "exported");
            }
            // Beside the ledger files, for FinOps tools; `import` leaves it alone.
            let focus = args.dir.join(FOCUS_COMMITMENTS_FILE);
            let file = std::io::BufWriter::new(
                std::fs::File::create(&focus)
                    .with_context(|| format!("cannot write {}", focus.display()))?,
            );
            let rows = store::focus::commitments::export(&db, file).await?;
            tracing::info!(file = %focus.display(), rows, "exported (FOCUS 1.3 contract commitments)");
            tracing::info!(seconds = started.elapsed().as_secs_f64(), "export finished");
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => report(&db, args).await,
        Command::Migrate => {
            tracing::info!("schema is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => crate::cli_users::user(&db, &default_actor(), command).await,
        Command::Alerts(command) => crate::cli_alerts::alerts(&db, &default_actor(), command).await,
        Command::BoardPack(args) => crate::board_pack::cli(db, args).await,
        Command::Rates(command) => crate::cli_rates::rates(&db, &default_actor(), command).await,
        Command::RateCards(command) => {
            crate::cli_rate_cards::rate_cards(&db, &default_actor(), command).await
        }
        Command::Backup { file } => {
            let started = Instant::now();
            match store::backup::backup(&db, &cli.database_url, &file).await {
                Ok(summary) => {
                    tracing::info!(file = %file.display(), bytes = summary.bytes, seconds = started.elapsed().as_secs_f64(), "backup written");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused("backup", e),
            }
        }
        Command::Restore {
            file,
            replace,
            as_user,
        } => {
            let actor =
                match named_actor(&db, as_user, "restore", |r| r == domain::Role::Admin).await? {
                    Ok(actor) => actor,
                    Err(message) => return refused("restore", message),
                };
            let started = Instant::now();
            match store::backup::restore(&db, &cli.database_url, &file, &actor, replace).await {
                Ok(summary) => {
                    tracing::info!(file = %file.display(), bytes = summary.bytes, seconds = started.elapsed().as_secs_f64(), "restored");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused("restore", e),
            }
        }
    }
}

/// A refusal the operator can act on: one line on stderr, exit code 2.
fn refused(what: &str, reason: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("{what} refused: {reason}");
    Ok(ExitCode::from(2))
}

/// The audit name of a CLI command: the operator (`cli:$USER`), or the active user named with
/// `--as` when their role may do `what` (`may`).
async fn named_actor(
    db: &store::DatabaseConnection,
    named: Option<String>,
    what: &str,
    may: impl Fn(domain::Role) -> bool,
) -> anyhow::Result<Result<String, String>> {
    let Some(name) = named else {
        return Ok(Ok(default_actor()));
    };
    Ok(match store::auth::find_user(db, &name).await? {
        Some(u) if u.disabled_at.is_none() => match domain::Role::parse(&u.role) {
            Ok(role) if may(role) => Ok(u.username),
            _ => Err(format!("{name} is a {} and may not {what}", u.role)),
        },
        _ => Err(format!("--as {name}: no such active user")),
    })
}

async fn import(db: store::DatabaseConnection, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let mut sources = Vec::new();
    for path in &args.paths {
        let opened = match (path.is_dir(), args.kind) {
            (true, _) => ImportSource::open_dir(path),
            (false, Some(kind)) => ImportSource::open_as(kind, path).map(|s| vec![s]),
            (false, None) => ImportSource::open(path).map(|s| vec![s]),
        };
        sources.extend(opened.map_err(anyhow::Error::msg)?);
    }
    for source in &mut sources {
        source.focus_cost = args.cost;
        source.focus_charges = store::focus::FocusCharges {
            adjustments: args.adjustments,
            taxes: args.taxes,
        };
        source.vendor = args.vendor.clone().filter(|v| !v.trim().is_empty());
    }
    let actor = match named_actor(&db, args.actor, "import", |r| {
        r.allows(domain::Permission::Import)
    })
    .await?
    {
        Ok(actor) => actor,
        Err(message) => {
            eprintln!("import refused: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let started = Instant::now();
    let progress = Arc::new(crate::progress::TerminalProgress::new());
    match import_files(&db, sources, &actor, progress).await {
        Ok(report) => {
            let seconds = started.elapsed().as_secs_f64();
            for file in &report.files {
                tracing::info!(file = %file.file_name, kind = %file.kind, rows = file.rows, import_id = ?file.import_id, "{}", file.describe("imported"));
            }
            let rows = report.total_rows();
            tracing::info!(
                rows,
                seconds,
                rows_per_second = (rows as f64 / seconds.max(1e-9)) as u64,
                "import committed"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rejected { errors, omitted }) => {
            eprintln!(
                "import rejected; nothing was written. {} problem(s):",
                errors.len() + omitted
            );
            for e in &errors {
                eprintln!("  {e}");
            }
            if omitted > 0 {
                eprintln!("  … and {omitted} more");
            }
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

async fn report(db: &store::DatabaseConnection, args: ReportArgs) -> anyhow::Result<ExitCode> {
    use reports::{self, ReportName};
    let name = ReportName::parse(&args.name).map_err(anyhow::Error::msg)?;
    let request = reports::ReportRequest::new(reports::parse_filters(
        args.as_of.as_deref(),
        &args.vendor,
        &args.contract,
        &args.commitment,
    )?)
    .with_window(args.window_days.as_deref())?
    .in_currency(reports::CurrencyView::parse(
        &args.currency,
        &args.commitments_at,
        &args.constant_at,
    )?)
    .with_scenario(db, &args.scenario)
    .await?;
    let report = reports::run(&reports::ReportCache::default(), db, name, &request).await?;
    for stale in &report.stale_rates {
        tracing::warn!("stale exchange rate: {stale}");
    }
    let table = &report.table;
    let format = reports::export::ExportFormat::parse(&args.format);
    if format.is_some_and(|f| f.is_binary()) && args.output.is_none() {
        anyhow::bail!(
            "--format {} writes a binary file: give it one with -o FILE",
            args.format
        );
    }
    let write = |out: reports::export::Out| -> anyhow::Result<()> {
        match format {
            None => writeln!(out, "{}", serde_json::to_string_pretty(&table.to_json())?)?,
            Some(format) => reports::export::write_report(format, name, &report, &request, out)?,
        }
        Ok(())
    };
    match &args.output {
        Some(path) => {
            write_whole_file(path, write)?;
            tracing::info!(report = name.as_str(), rows = table.rows.len(), file = %path.display(), "report written");
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout());
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file beside `path` and renames it into place once it is whole: a failure half-way
/// leaves the earlier file (or none), never a truncated one.
fn write_whole_file(
    path: &std::path::Path,
    write: impl FnOnce(reports::export::Out) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    let file = tempfile::NamedTempFile::new_in(dir).with_context(cannot)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)?;
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(cannot)?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(cannot)?;
    Ok(())
}

/// Database URLs may carry a password; never print it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_earlier_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("burndown.csv");
        write_whole_file(&path, |out| Ok(out.write_all(b"first\n")?)).unwrap();
        let failed = write_whole_file(&path, |out| {
            out.write_all(b"half a fi")?;
            anyhow::bail!("the report broke")
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://ledger:secret@db:5432/ledger"),
            "postgres://***@db:5432/ledger"
        );
        assert_eq!(
            redact("sqlite://data/ledger.db?mode=rwc"),
            "sqlite://data/ledger.db?mode=rwc"
        );
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
