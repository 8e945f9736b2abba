//! Delivers an alert by e-mail through an SMTP relay, with lettre: it does the SMTP dialogue,
//! STARTTLS, AUTH, address parsing and the MIME encoding of non-ASCII subjects and bodies.

use super::outgoing::Outgoing;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A relay that accepts the connection and then stalls must not hold up the delivery queue.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where and as whom alert e-mails are sent.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// Upgrade the connection with STARTTLS and refuse a relay that does not offer it. Without
    /// it the whole dialogue, AUTH included, is in clear: only for a relay on the same host.
    pub starttls: bool,
    /// Used only together with `password`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// The From address, e.g. "Compute Ledger <ledger@example.com>".
    pub from: String,
}

// By hand so that logging the settings never prints the password.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("starttls", &self.starttls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// The settings from `LEDGER_SMTP_HOST`, `LEDGER_SMTP_PORT` (default 587 with STARTTLS, 25
    /// without), `LEDGER_SMTP_STARTTLS` (1/0/true/false, default true), `LEDGER_SMTP_USER`,
    /// `LEDGER_SMTP_PASSWORD` and `LEDGER_SMTP_FROM` (required when the host is set).
    ///
    /// `None` when no host is set (e-mail is off), and also when the settings are unusable,
    /// after logging why; a caller that should refuse to start on bad settings uses
    /// [`SmtpSettings::try_from_env`].
    pub fn from_env() -> Option<Self> {
        Self::try_from_env().unwrap_or_else(|reason| {
            tracing::error!("alert e-mail is off: {reason}");
            None
        })
    }

    /// Like [`SmtpSettings::from_env`], but bad settings are an `Err` naming the variable.
    pub fn try_from_env() -> Result<Option<Self>, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(raw: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        // An empty variable counts as unset, as `LEDGER_SMTP_HOST=` in an env file means "off".
        let var = |name: &str| {
            raw(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(host) = var("LEDGER_SMTP_HOST") else {
            return Ok(None);
        };
        let starttls = match var("LEDGER_SMTP_STARTTLS").map(|v| v.to_ascii_lowercase()) {
            None => true,
            Some(v) if v == "1" || v == "true" => true,
            Some(v) if v == "0" || v == "false" => false,
            Some(v) => {
                return Err(format!(
                    "LEDGER_SMTP_STARTTLS must be 1, 0, true or false, not {v:?}"
                ))
            }
        };
        let port = match var("LEDGER_SMTP_PORT") {
            None if starttls => 587,
            None => 25,
            Some(v) => match v.parse::<u16>() {
                Ok(port) if port > 0 => port,
                _ => return Err(format!("LEDGER_SMTP_PORT must be a port number, not {v:?}")),
            },
        };
        let from = var("LEDGER_SMTP_FROM")
            .ok_or("LEDGER_SMTP_FROM is required when LEDGER_SMTP_HOST is set")?;
        from.parse::<Mailbox>()
            .map_err(|e| format!("LEDGER_SMTP_FROM is not an e-mail address ({from:?}: {e})"))?;
        let username = var("LEDGER_SMTP_USER");
        // Not trimmed: spaces may be part of a password.
        let password = raw("LEDGER_SMTP_PASSWORD").filter(|v| !v.is_empty());
        if username.is_some() != password.is_some() {
            // One without the other would silently send unauthenticated and be refused later.
            return Err(
                "LEDGER_SMTP_USER and LEDGER_SMTP_PASSWORD are set together or not at all".into(),
            );
        }
        Ok(Some(SmtpSettings {
            host,
            port,
            starttls,
            username,
            password,
            from,
        }))
    }
}

/// Sends `alert` as one plain-text e-mail to every address in `to`.
///
/// Every address (and the sender) is checked before connecting; a bad one is an `Err` naming
/// it. With `starttls` the relay must offer STARTTLS or nothing is sent; without it the
/// connection stays in clear (a relay on localhost). Transport and relay errors are an `Err`
/// with the relay's reason.
pub async fn send(settings: &SmtpSettings, to: &[String], alert: &Outgoing) -> Result<(), String> {
    transmit(settings, compose(settings, to, alert)?).await
}

/// Sends a composed message through the relay.
pub async fn transmit(settings: &SmtpSettings, message: Message) -> Result<(), String> {
    let builder = if settings.starttls {
        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
            .map_err(|e| format!("SMTP host {:?}: {e}", settings.host))?
    } else {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
    };
    let mut builder = builder.port(settings.port).timeout(Some(TIMEOUT));
    if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder
        .build()
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("SMTP {}:{}: {e}", settings.host, settings.port))
}

/// An address as a mailbox, or why it is not one.
pub fn check_address(address: &str) -> Result<Mailbox, String> {
    address
        .trim()
        .parse()
        .map_err(|e| format!("bad recipient address {address:?}: {e}"))
}

/// A message from the configured sender to every address in `to`, with its subject.
pub fn addressed(
    settings: &SmtpSettings,
    to: &[String],
    subject: String,
) -> Result<lettre::message::MessageBuilder, String> {
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| format!("bad sender address {:?}: {e}", settings.from))?;
    if to.is_empty() {
        return Err("no recipients".into());
    }
    let mut message = Message::builder().from(from).subject(subject);
    for address in to {
        message = message.to(check_address(address)?);
    }
    Ok(message)
}

fn compose(settings: &SmtpSettings, to: &[String], alert: &Outgoing) -> Result<Message, String> {
    let message = addressed(
        settings,
        to,
        format!("[Compute Ledger] {}: {}", alert.rule, alert.subject),
    )?
    .header(ContentType::TEXT_PLAIN);
    let body = format!(
        "{message}\n\n{figure}\n\nLook at: {link}\n\nFired at {fired_at} (rule \"{rule}\", {kind}, event {event_id}).\n",
        message = alert.message,
        figure = alert.figure,
        link = alert.link,
        fired_at = alert.fired_at.format("%Y-%m-%d %H:%M UTC"),
        rule = alert.rule,
        kind = alert.kind,
        event_id = alert.event_id,
    );
    message
        .body(body)
        .map_err(|e| format!("could not build the e-mail: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Option<SmtpSettings>, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SmtpSettings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn no_host_means_email_is_off() {
        assert!(settings(&[("LEDGER_SMTP_FROM", "a@b.example")])
            .unwrap()
            .is_none());
        assert!(settings(&[("LEDGER_SMTP_HOST", "")]).unwrap().is_none());
    }

    #[test]
    fn port_defaults_follow_starttls() {
        let with = settings(&[
            ("LEDGER_SMTP_HOST", "mx"),
            ("LEDGER_SMTP_FROM", "a@b.example"),
        ])
        .unwrap()
        .unwrap();
        assert!(with.starttls);
        assert_eq!(with.port, 587);
        for off in ["0", "false", "FALSE"] {
            let without = settings(&[
                ("LEDGER_SMTP_HOST", "localhost"),
                ("LEDGER_SMTP_FROM", "a@b.example"),
                ("LEDGER_SMTP_STARTTLS", off),
            ])
            .unwrap()
            .unwrap();
            assert!(!without.starttls, "{off}");
            assert_eq!(without.port, 25, "{off}");
        }
        let explicit = settings(&[
            ("LEDGER_SMTP_HOST", "mx"),
            ("LEDGER_SMTP_FROM", "a@b.example"),
            ("LEDGER_SMTP_STARTTLS", "1"),
            ("LEDGER_SMTP_PORT", "2525"),
        ])
        .unwrap()
        .unwrap();
        assert!(explicit.starttls);
        assert_eq!(explicit.port, 2525);
    }

    #[test]
    fn from_is_required_and_must_be_an_address() {
        let err = settings(&[("LEDGER_SMTP_HOST", "mx")]).unwrap_err();
        assert!(err.contains("LEDGER_SMTP_FROM"), "{err}");
        let err = settings(&[
            ("LEDGER_SMTP_HOST", "mx"),
            ("LEDGER_SMTP_FROM", "not an address"),
        ])
        .unwrap_err();
        assert!(err.contains("LEDGER_SMTP_FROM"), "{err}");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let base = [
            ("LEDGER_SMTP_HOST", "mx"),
            ("LEDGER_SMTP_FROM", "a@b.example"),
        ];
        for (name, value) in [
            ("LEDGER_SMTP_PORT", "smtp"),
            ("LEDGER_SMTP_PORT", "0"),
            ("LEDGER_SMTP_PORT", "70000"),
            ("LEDGER_SMTP_STARTTLS", "yes please"),
        ] {
            let mut vars = base.to_vec();
            vars.push((name, value));
            let err = settings(&vars).unwrap_err();
            assert!(err.contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn user_and_password_come_together() {
        let base = [
            ("LEDGER_SMTP_HOST", "mx"),
            ("LEDGER_SMTP_FROM", "a@b.example"),
        ];
        let mut only_user = base.to_vec();
        only_user.push(("LEDGER_SMTP_USER", "ledger"));
        assert!(settings(&only_user).is_err());
        let mut both = only_user.clone();
        both.push(("LEDGER_SMTP_PASSWORD", " s3cret pw "));
        let s = settings(&both).unwrap().unwrap();
        assert_eq!(s.username.as_deref(), Some("ledger"));
        assert_eq!(s.password.as_deref(), Some(" s3cret pw "));
        assert!(
            !format!("{s:?}").contains("s3cret"),
            "Debug must hide the password"
        );
    }
}
