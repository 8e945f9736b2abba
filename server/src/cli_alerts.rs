//! `compute-ledger alerts …`: the alert rules from the command line (the Alerts page does the
//! same in the browser).

use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum AlertsCommand {
    /// The rules in force: name, kind, threshold, scope, webhook, e-mail.
    List,
    /// Add a rule. Kinds: pace (x points), exhaustion (x days), projected_trueup and
    /// trueup_owed (amount x), spend_hhi and commitment_hhi (HHI x), phase_late (x days),
    /// receipt_short (x %), statement_differs, spend_anomaly (x robust spreads, e.g. 3.5).
    Add {
        name: String,
        #[arg(long)]
        kind: String,
        /// Blank: the kind's default.
        #[arg(long, default_value = "")]
        threshold: String,
        /// all, vendor:NAME, contract:REF or commitment:REF/NAME.
        #[arg(long, default_value = "all")]
        scope: String,
        #[arg(long, default_value = "")]
        webhook: String,
        /// Comma-separated addresses.
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Remove a rule (its fired alerts stay in the inbox).
    Remove { name: String },
}

pub async fn alerts(
    db: &store::DatabaseConnection,
    actor: &str,
    command: AlertsCommand,
) -> anyhow::Result<ExitCode> {
    use store::ledger::WriteError;
    let refused = |e: WriteError| -> anyhow::Result<ExitCode> {
        match e {
            WriteError::Database(e) => Err(e.into()),
            other => {
                eprintln!("{other}");
                Ok(ExitCode::from(2))
            }
        }
    };
    match command {
        AlertsCommand::List => {
            for r in store::alerts::rules::list(db).await? {
                let v = r.view();
                let webhook = v.webhook.unwrap_or_else(|| "-".into());
                let email = if v.email.is_empty() {
                    "-".into()
                } else {
                    v.email.join(",")
                };
                println!(
                    "{}\t{}\t{}\t{}\t{webhook}\t{email}",
                    v.name, v.kind, v.threshold, v.scope
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        AlertsCommand::Add {
            name,
            kind,
            threshold,
            scope,
            webhook,
            email,
        } => {
            let raw = domain::alerts::RawAlertRule {
                name: &name,
                kind: &kind,
                threshold: &threshold,
                scope: &scope,
                webhook: &webhook,
                email: &email,
            };
            match store::alerts::rules::create_from(db, actor, &raw).await {
                Ok(_) => {
                    println!("added alert rule {name}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e),
            }
        }
        AlertsCommand::Remove { name } => {
            match store::alerts::rules::remove(db, actor, &name).await {
                Ok(()) => {
                    println!("removed alert rule {name}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e),
            }
        }
    }
}
