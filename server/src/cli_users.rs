//! `compute-ledger user …`: users and their roles from the command line.

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. Roles: viewer (reads, exports), editor (+ ledger entries, uploads),
    /// analyst (viewer + bulk import), admin (everything, + users).
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: domain::Role,
    },
    /// List users with their role and whether they are disabled.
    List,
    /// Disable a user: their sessions end and their API tokens stop working.
    Disable { username: String },
    /// Change a user's role (audited); their open sessions and tokens take it at once.
    SetRole {
        username: String,
        #[arg(value_parser = parse_role)]
        role: domain::Role,
    },
}

pub(crate) fn parse_role(raw: &str) -> Result<domain::Role, String> {
    if raw.trim().is_empty() {
        return Err("give a role: viewer, editor, analyst or admin".into());
    }
    domain::Role::parse(raw)
}

pub async fn user(
    db: &store::DatabaseConnection,
    operator: &str,
    command: UserCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { username, role } => {
            let password = read_password()?;
            match store::auth::add_user(db, operator, &username, role, &password).await {
                Ok(_) => {
                    println!("added {username} ({role})");
                    Ok(ExitCode::SUCCESS)
                }
                Err(store::auth::UserError::Invalid(errors)) => {
                    for e in errors {
                        eprintln!("{e}");
                    }
                    Ok(ExitCode::from(2))
                }
                Err(store::auth::UserError::Database(e)) => Err(e.into()),
            }
        }
        UserCommand::List => {
            for u in store::auth::list_users(db).await? {
                let state = if u.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                let email = u.email.as_deref().unwrap_or("-");
                println!("{}\t{}\t{state}\t{email}", u.username, u.role);
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::SetRole { username, role } => {
            match store::roles::set_role(db, operator, &username, role).await? {
                Some(before) if before == role => println!("{username} is already {role}"),
                Some(before) => println!("{username}: {before} → {role}"),
                None => {
                    eprintln!("no user {username:?}");
                    return Ok(ExitCode::from(2));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { username } => {
            if store::auth::disable_user(db, operator, &username).await? {
                println!("disabled {username}");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("no user {username:?}");
                Ok(ExitCode::from(2))
            }
        }
    }
}

/// The password from a terminal prompt (not echoed), or the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("Password: ")?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
