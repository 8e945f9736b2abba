//! The one shape of a fired alert that every delivery channel sends, so the webhook's JSON and
//! the e-mail say the same thing about the same event.

/// One fired alert, as every channel sends it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outgoing {
    /// The alert event's id; receivers use it to drop a delivery they have already seen.
    pub event_id: i64,
    /// The rule's name.
    pub rule: String,
    /// What the rule watches, e.g. "pace", "spend_anomaly".
    pub kind: String,
    /// What it is about, e.g. "MSFT-2025/initial" or "portfolio".
    pub subject: String,
    /// The number that tripped it, as shown, e.g. "burned 41.2% vs 25.0% of term".
    pub figure: String,
    /// One sentence.
    pub message: String,
    /// Absolute URL of the dashboard to look at.
    pub link: String,
    pub fired_at: chrono::DateTime<chrono::Utc>,
}
