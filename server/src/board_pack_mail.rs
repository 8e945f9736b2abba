//! The published board pack by e-mail: each new version goes to a list, as a PDF attachment,
//! from a chosen day of the following month, over the alerts' SMTP settings. Sent versions are
//! marked in the database, so a restart or a second server does not send them again.

use crate::alerts::email::{self, SmtpSettings};
use app::state::AppState;
use chrono::Datelike;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Message, MultiPart, SinglePart};
use std::time::Duration;

/// Who gets the published packs, and from which day of the following month.
#[derive(Debug, Clone)]
pub struct PackMail {
    pub smtp: SmtpSettings,
    pub to: Vec<String>,
    /// A month's pack goes out from this day of the next month on (a version published later
    /// goes out when published).
    pub day: u32,
}

impl PackMail {
    /// From `LEDGER_BOARD_PACK_TO` (comma-separated addresses) and `LEDGER_BOARD_PACK_DAY`
    /// (1–28, default 1), over the alerts' SMTP settings; `None` when no list is set.
    pub fn from_env() -> Result<Option<Self>, String> {
        let to: Vec<String> = std::env::var("LEDGER_BOARD_PACK_TO")
            .unwrap_or_default()
            .split(',')
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        if to.is_empty() {
            return Ok(None);
        }
        let smtp = SmtpSettings::try_from_env()?
            .ok_or("LEDGER_BOARD_PACK_TO is set but LEDGER_SMTP_HOST is not")?;
        let day = match std::env::var("LEDGER_BOARD_PACK_DAY") {
            Ok(raw) if !raw.trim().is_empty() => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=28).contains(d))
                .ok_or(format!(
                    "LEDGER_BOARD_PACK_DAY must be a day from 1 to 28, not {raw:?}"
                ))?,
            _ => 1,
        };
        for address in &to {
            email::check_address(address)?;
        }
        Ok(Some(Self { smtp, to, day }))
    }
}

/// E-mails every published version not yet sent whose sending day has come; returns how many
/// went out. A failed send is logged and tried again on the next round.
pub async fn send_due(state: &AppState, mail: &PackMail, today: chrono::NaiveDate) -> usize {
    let due = match store::board_packs::not_emailed(&state.db).await {
        Ok(due) => due,
        Err(e) => {
            tracing::error!(error = %e, "board packs to e-mail could not be read");
            return 0;
        }
    };
    let mut sent = 0;
    for pack in due {
        let next_month = pack.month.last_day() + chrono::Duration::days(1);
        let send_from = next_month.with_day(mail.day).unwrap_or(next_month);
        if today < send_from {
            continue;
        }
        let pdf = match store::board_packs::pdf(&state.db, pack.month, Some(pack.version)).await {
            Ok(Some((_, bytes))) => bytes,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(error = %e, "a board pack could not be read");
                continue;
            }
        };
        let sending = compose(mail, &pack, pdf);
        let result = match sending {
            Ok(message) => email::transmit(&mail.smtp, message).await,
            Err(reason) => Err(reason),
        };
        match result {
            Ok(()) => {
                if let Err(e) = store::board_packs::mark_emailed(&state.db, pack.id).await {
                    tracing::error!(error = %e, "a sent board pack could not be marked as sent");
                }
                tracing::info!(month = %pack.month, version = pack.version, to = mail.to.len(), "board pack e-mailed");
                sent += 1;
            }
            Err(reason) => {
                tracing::warn!(month = %pack.month, version = pack.version, reason, "board pack e-mail failed; trying again later")
            }
        }
    }
    sent
}

/// Checks once a minute for packs to send.
pub async fn run(state: AppState, mail: PackMail) {
    loop {
        send_due(&state, &mail, chrono::Utc::now().date_naive()).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

fn compose(
    mail: &PackMail,
    pack: &store::board_packs::Published,
    pdf: Vec<u8>,
) -> Result<Message, String> {
    let month = pack.month.long_name();
    let subject = if pack.version == 1 {
        format!("[Compute Ledger] Board pack {month}")
    } else {
        format!(
            "[Compute Ledger] Board pack {month}, version {} (re-issued)",
            pack.version
        )
    };
    let mut text = format!(
        "The board pack for {month} is attached (version {}, published by {} on {}).\n",
        pack.version,
        pack.published_by,
        pack.published_at.format("%Y-%m-%d %H:%M UTC")
    );
    if !pack.changes.is_empty() {
        text.push_str("\nChanged from the version before:\n");
        for change in &pack.changes {
            text.push_str(&format!("- {change}\n"));
        }
    }
    let file = format!("board-pack-{}-v{}.pdf", pack.month, pack.version);
    let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    email::addressed(&mail.smtp, &mail.to, subject)?
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(text))
                .singlepart(Attachment::new(file).body(pdf, pdf_type)),
        )
        .map_err(|e| format!("could not build the e-mail: {e}"))
}
