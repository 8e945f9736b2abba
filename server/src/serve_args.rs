//! How the web server is started: its flags and environment variables (read by `cli` for
//! `serve`, used by `web`).

use clap::Parser;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default: LEPTOS_SITE_ADDR, else 127.0.0.1:3000); port 0 picks a free port.
    #[arg(long)]
    pub addr: Option<std::net::SocketAddr>,
    /// Do not load the demo ledger into an empty database.
    // Boolish: the environment says `1`/`0` (as the README and the systemd unit do) as often
    // as `true`/`false`; clap's default parser for flags refuses `1`.
    #[arg(long, env = "LEDGER_NO_DEMO", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub no_demo: bool,
    /// Largest CSV the browser upload accepts, in MiB (bigger files: use `import` on the server).
    #[arg(long, env = "LEDGER_MAX_UPLOAD_MB", default_value_t = store::import::DEFAULT_UPLOAD_LIMIT_BYTES / (1024 * 1024))]
    pub max_upload_mb: u64,
    /// Hours a sign-in lasts before the user must sign in again.
    #[arg(long, env = "LEDGER_SESSION_HOURS", default_value_t = store::auth::DEFAULT_SESSION_HOURS)]
    pub session_hours: i64,
    /// Mark the session cookie Secure (set this when serving over HTTPS; behind a proxy that
    /// sends X-Forwarded-Proto: https it is set per request anyway).
    #[arg(long, env = "LEDGER_SECURE_COOKIES", action = clap::ArgAction::SetTrue, value_parser = clap::builder::BoolishValueParser::new())]
    pub secure_cookies: bool,
    /// How old, in milliseconds, the figures a page or report shows may be while the ledger is
    /// being written: views within this time of the last check share one version instead of
    /// each asking the database and recomputing (a user always sees their own writes). 0 asks
    /// on every request.
    #[arg(long, env = "LEDGER_REPORT_MAX_AGE_MS", default_value_t = 250)]
    pub report_max_age_ms: u64,
}

impl ServeArgs {
    /// `serve` with no flags: defaults and environment variables, as if typed on its own.
    pub fn from_env() -> Self {
        #[derive(Parser)]
        struct ServeOnly {
            #[command(flatten)]
            args: ServeArgs,
        }
        ServeOnly::parse_from(["compute-ledger"]).args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        args: ServeArgs,
    }

    // The only test that sets these variables, so no other test sees them change.
    #[test]
    fn flags_take_one_and_zero_from_the_environment() {
        std::env::set_var("LEDGER_NO_DEMO", "1");
        std::env::set_var("LEDGER_SECURE_COOKIES", "0");
        let args = Serve::try_parse_from(["compute-ledger"]).unwrap().args;
        assert!(args.no_demo);
        assert!(!args.secure_cookies);
        std::env::set_var("LEDGER_NO_DEMO", "maybe");
        assert!(Serve::try_parse_from(["compute-ledger"]).is_err());
        std::env::remove_var("LEDGER_NO_DEMO");
        std::env::remove_var("LEDGER_SECURE_COOKIES");
        let args = Serve::try_parse_from(["compute-ledger", "--no-demo"])
            .unwrap()
            .args;
        assert!(args.no_demo && !args.secure_cookies);
    }
}
