//! Alert rules: what to watch (a kind and its threshold), where (a scope), and whom to tell
//! besides the in-app inbox (a webhook, e-mail addresses). Built from raw text by one `parse`,
//! like every ledger entry, so the Alerts page, the CLI and any later API share the rules.

use crate::entries::Checker;
use crate::error::FieldError;
use crate::text::{self, NAME_MAX};
use serde::{Deserialize, Serialize};

crate::kinds::word_enum!(
    /// What a rule watches.
    AlertKind {
        Pace = "pace",
        Exhaustion = "exhaustion",
        ProjectedTrueUp = "projected_trueup",
        TrueUpOwed = "trueup_owed",
        SpendHhi = "spend_hhi",
        CommitmentHhi = "commitment_hhi",
        PhaseLate = "phase_late",
        ReceiptShort = "receipt_short",
        StatementDiffers = "statement_differs",
        SpendAnomaly = "spend_anomaly",
    }
    default Pace
);

impl AlertKind {
    /// When it fires, with the threshold as `x`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Pace => "Burned share ahead of or behind the elapsed share of the term by more than x points",
            Self::Exhaustion => "Projected to run out within x days",
            Self::ProjectedTrueUp => "A true-up projected above x (in the commitment's currency)",
            Self::TrueUpOwed => "A true-up owed above x for an interval that has ended",
            Self::SpendHhi => "Vendor concentration of the latest month's spend (HHI) above x",
            Self::CommitmentHhi => "Vendor concentration of commitments (HHI) above x",
            Self::PhaseLate => "A delivery phase late by more than x days",
            Self::ReceiptShort => "A phase past its planned date received short by more than x%",
            Self::StatementDiffers => "A vendor statement differs from the ledger beyond its tolerance (x unused)",
            Self::SpendAnomaly => "A day's spend more than x robust spreads from its usual weekday (3.5 is a good start)",
        }
    }

    /// The threshold used when none is given.
    pub fn default_threshold(self) -> &'static str {
        match self {
            Self::Pace => "10",
            Self::Exhaustion => "90",
            Self::ProjectedTrueUp | Self::TrueUpOwed | Self::StatementDiffers => "0",
            Self::SpendHhi | Self::CommitmentHhi => "2500",
            Self::PhaseLate => "30",
            Self::ReceiptShort => "10",
            Self::SpendAnomaly => "3.5",
        }
    }

    /// Whether a vendor, contract or commitment scope narrows it (concentration is about the
    /// whole portfolio).
    pub fn takes_scope(self) -> bool {
        !matches!(self, Self::SpendHhi | Self::CommitmentHhi)
    }
}

/// Which part of the ledger a rule watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertScope {
    All,
    Vendor(String),
    Contract(String),
    /// A contract's commitment.
    Commitment {
        contract: String,
        commitment: String,
    },
}

impl AlertScope {
    /// `all` (or empty), `vendor:NAME`, `contract:REF`, `commitment:REF/NAME`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let named = |value: &str| -> Result<String, String> {
            text::required(value, NAME_MAX).map_err(|e| format!("names nothing: {e}"))
        };
        match raw.split_once(':') {
            None if raw.is_empty() || raw == "all" => Ok(Self::All),
            Some(("vendor", name)) => Ok(Self::Vendor(named(name)?)),
            Some(("contract", reference)) => Ok(Self::Contract(named(reference)?)),
            Some(("commitment", both)) => match both.split_once('/') {
                Some((contract, commitment)) => Ok(Self::Commitment {
                    contract: named(contract)?,
                    commitment: named(commitment)?,
                }),
                None => Err("commitment: give CONTRACT/COMMITMENT".into()),
            },
            _ => Err(format!(
                "must be all, vendor:NAME, contract:REFERENCE or commitment:REFERENCE/NAME (got {raw:?})"
            )),
        }
    }
}

impl std::fmt::Display for AlertScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Vendor(v) => write!(f, "vendor:{v}"),
            Self::Contract(c) => write!(f, "contract:{c}"),
            Self::Commitment {
                contract,
                commitment,
            } => write!(f, "commitment:{contract}/{commitment}"),
        }
    }
}

crate::raw::raw_record!(
    /// An alert rule as typed on the Alerts page or the command line.
    RawAlertRule { name, kind, threshold, scope, webhook, email }
);

/// Places of the threshold: money to the millionth like every amount, and enough for points,
/// days, HHI, percentages and spreads.
pub const THRESHOLD_PLACES: u32 = 6;
const URL_MAX: usize = 500;
const MAX_RECIPIENTS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRule {
    pub name: String,
    pub kind: AlertKind,
    /// Exact, in millionths (an amount compares with `*_e6` figures directly).
    pub threshold_e6: i64,
    pub scope: AlertScope,
    pub webhook: Option<String>,
    pub email: Vec<String>,
}

impl AlertRule {
    pub fn parse(raw: &RawAlertRule<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let name = c.field("name", text::required(raw.name, NAME_MAX));
        let kind = c.field("kind", AlertKind::parse(raw.kind));
        let threshold = kind.and_then(|kind| {
            let given = match raw.threshold.trim() {
                "" => kind.default_threshold(),
                given => given,
            };
            c.field(
                "threshold",
                crate::decimal::parse_scaled(given, THRESHOLD_PLACES, false),
            )
        });
        let scope = c.field("scope", AlertScope::parse(raw.scope));
        if let (Some(kind), Some(scope)) = (kind, &scope) {
            if !kind.takes_scope() && *scope != AlertScope::All {
                c.field::<()>(
                    "scope",
                    Err("concentration is measured over the whole portfolio; use all".into()),
                );
            }
        }
        let webhook = c.field("webhook", webhook(raw.webhook));
        let email = c.field("email", recipients(raw.email));
        c.finish(|| {
            Some(Self {
                name: name?,
                kind: kind?,
                threshold_e6: threshold?,
                scope: scope?,
                webhook: webhook?,
                email: email?,
            })
        })
    }

    /// The threshold as a number (points, days, HHI, %, spreads).
    pub fn threshold(&self) -> f64 {
        self.threshold_e6 as f64 / 1e6
    }

    /// The threshold as typed back: `10`, `2.5`, `1000000`.
    pub fn threshold_text(&self) -> String {
        crate::decimal::format_scaled_trimmed(self.threshold_e6, THRESHOLD_PLACES)
    }
}

fn webhook(raw: &str) -> Result<Option<String>, String> {
    let url = text::optional(raw, URL_MAX)?;
    if url.is_empty() {
        return Ok(None);
    }
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        return Err("must be an http:// or https:// address".into());
    }
    Ok(Some(url))
}

/// A webhook as pages show it: its address up to the host. Chat webhooks (Slack, Teams) carry
/// their secret in the path, and every role may read the Alerts page.
pub fn webhook_label(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => format!("{}/…", &url[..after_scheme + slash]),
        None => url.to_owned(),
    }
}

/// Comma- or space-separated addresses; the mailer checks them fully when it sends.
fn recipients(raw: &str) -> Result<Vec<String>, String> {
    let list: Vec<String> = raw
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if list.len() > MAX_RECIPIENTS {
        return Err(format!("at most {MAX_RECIPIENTS} addresses"));
    }
    match list.iter().find(|a| {
        let parts: Vec<&str> = a.split('@').collect();
        parts.len() != 2 || parts[0].is_empty() || !parts[1].contains('.') || a.len() > 254
    }) {
        Some(bad) => Err(format!("{bad:?} is not an e-mail address")),
        None => Ok(list),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(kind: &'a str, threshold: &'a str, scope: &'a str) -> RawAlertRule<'a> {
        RawAlertRule {
            name: "Watch",
            kind,
            threshold,
            scope,
            webhook: "",
            email: "",
        }
    }

    #[test]
    fn a_rule_reads_its_threshold_exactly_and_defaults_it() {
        let rule =
            AlertRule::parse(&raw("projected_trueup", "1000000.25", "contract:MSFT-1")).unwrap();
        assert_eq!(rule.threshold_e6, 1_000_000_250_000);
        assert_eq!(rule.scope, AlertScope::Contract("MSFT-1".into()));
        assert_eq!(rule.threshold_text(), "1000000.25");
        let anomaly = AlertRule::parse(&raw("spend_anomaly", "", "")).unwrap();
        assert_eq!(anomaly.threshold(), 3.5);
        assert_eq!(anomaly.scope, AlertScope::All);
    }

    #[test]
    fn every_broken_field_is_named() {
        let errors = AlertRule::parse(&RawAlertRule {
            name: "",
            kind: "budget",
            threshold: "-1",
            scope: "region:eu",
            webhook: "ftp://x",
            email: "cfo@example.com, nobody",
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "kind", "scope", "webhook", "email"],
            "{errors:?}"
        );
        let negative = AlertRule::parse(&raw("pace", "-1", "")).unwrap_err();
        assert_eq!(negative[0].column, "threshold");
    }

    #[test]
    fn scopes_read_and_write_the_same_way() {
        for text in [
            "all",
            "vendor:Nebius",
            "contract:MSFT-1",
            "commitment:MSFT-1/initial",
        ] {
            assert_eq!(AlertScope::parse(text).unwrap().to_string(), text);
        }
        assert!(AlertScope::parse("commitment:MSFT-1").is_err());
        assert!(AlertScope::parse("vendor:").is_err());
    }

    #[test]
    fn a_webhook_is_shown_without_its_secret_path() {
        assert_eq!(
            webhook_label("https://hooks.slack.com/services/T0/B0/secret"),
            "https://hooks.slack.com/…"
        );
        assert_eq!(
            webhook_label("http://127.0.0.1:9000"),
            "http://127.0.0.1:9000"
        );
    }

    #[test]
    fn concentration_is_portfolio_wide() {
        let errors = AlertRule::parse(&raw("spend_hhi", "2500", "vendor:Nebius")).unwrap_err();
        assert_eq!(errors[0].column, "scope");
    }
}

/// A rule as the Alerts page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRuleView {
    pub name: String,
    pub kind: AlertKind,
    pub threshold: String,
    pub scope: String,
    pub webhook: Option<String>,
    pub email: Vec<String>,
    pub created_by: String,
}

/// One fired alert in the inbox, with how its deliveries went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertEventView {
    pub id: i64,
    pub rule: String,
    pub kind: String,
    pub subject: String,
    pub figure: String,
    pub message: String,
    pub link: String,
    pub fired_at: String,
    pub acknowledged: Option<String>,
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub channel: String,
    pub target: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}
