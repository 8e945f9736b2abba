//! Single sign-on's settings, checked when the server starts, and the rule that turns the
//! provider's groups into a ledger role.

use crate::serve_args::SingleSignOnArgs;
use domain::Role;
use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// PUBLIC_URL/login/oidc/callback.
    pub redirect_url: String,
    pub default_role: Role,
    pub role_claim: Option<String>,
    pub role_map: Vec<(String, Role)>,
    pub label: String,
}

impl OidcConfig {
    /// `None` when no issuer is configured (single sign-on off).
    pub fn from_args(args: &SingleSignOnArgs) -> Result<Option<Self>, String> {
        let Some(issuer) = args.oidc_issuer.clone() else {
            if args.no_password_login {
                return Err("--no-password-login needs single sign-on (--oidc-issuer): nobody could sign in".into());
            }
            return Ok(None);
        };
        let public_url = args
            .public_url
            .as_deref()
            .ok_or("--oidc-issuer needs --public-url (where the provider sends users back)")?;
        let role_map = match &args.oidc_roles {
            Some(raw) => parse_role_map(raw)?,
            None => Vec::new(),
        };
        if !role_map.is_empty() && args.oidc_role_claim.is_none() {
            return Err(
                "--oidc-roles needs --oidc-role-claim (the claim that lists the groups)".into(),
            );
        }
        Ok(Some(Self {
            issuer,
            client_id: args
                .oidc_client_id
                .clone()
                .ok_or("--oidc-issuer needs --oidc-client-id")?,
            client_secret: args.oidc_client_secret.clone(),
            redirect_url: format!(
                "{}{}",
                public_url.trim_end_matches('/'),
                crate::auth::OIDC_CALLBACK
            ),
            default_role: args.oidc_default_role,
            role_claim: args.oidc_role_claim.clone(),
            role_map,
            label: args.oidc_label.clone(),
        }))
    }

    /// The strongest role any of the user's groups maps to; `None` if none is mapped (then a
    /// new user gets the default role and an existing one keeps theirs).
    pub fn role_for(&self, claims: &Map<String, Value>) -> Option<Role> {
        let groups: Vec<&str> = match self.role_claim.as_ref().and_then(|c| claims.get(c)) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(one)) => one.split([' ', ',']).collect(),
            _ => Vec::new(),
        };
        self.role_map
            .iter()
            .filter(|(group, _)| groups.contains(&group.as_str()))
            .map(|(_, role)| *role)
            .max_by_key(|role| strength(*role))
    }
}

/// `group=role,group=role`.
pub fn parse_role_map(raw: &str) -> Result<Vec<(String, Role)>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (group, role) = pair
                .rsplit_once('=')
                .ok_or_else(|| format!("--oidc-roles: {pair:?} is not group=role"))?;
            let role = match role.trim() {
                "" => return Err(format!("--oidc-roles: {pair:?} names no role")),
                named => {
                    Role::parse(named).map_err(|e| format!("--oidc-roles: {pair:?}: role {e}"))?
                }
            };
            Ok((group.trim().to_owned(), role))
        })
        .collect()
}

/// Admin can do everything an editor can, an editor what an analyst can (and enter data), an
/// analyst what a viewer can (and import).
fn strength(role: Role) -> u8 {
    match role {
        Role::Viewer => 0,
        Role::Analyst => 1,
        Role::Editor => 2,
        Role::Admin => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(map: &str) -> OidcConfig {
        OidcConfig {
            issuer: "https://id.example.com".into(),
            client_id: "ledger".into(),
            client_secret: None,
            redirect_url: "https://ledger.example.com/login/oidc/callback".into(),
            default_role: Role::Viewer,
            role_claim: Some("groups".into()),
            role_map: parse_role_map(map).unwrap(),
            label: "Example".into(),
        }
    }

    fn claims(json: serde_json::Value) -> Map<String, Value> {
        json.as_object().unwrap().clone()
    }

    #[test]
    fn the_strongest_mapped_group_gives_the_role() {
        let c = config("finance=editor, ledger-admins=admin,analysts=analyst");
        let both = claims(serde_json::json!({"groups": ["analysts", "ledger-admins", "staff"]}));
        assert_eq!(c.role_for(&both), Some(Role::Admin));
        let one = claims(serde_json::json!({"groups": ["staff", "analysts"]}));
        assert_eq!(c.role_for(&one), Some(Role::Analyst));
        let spaced = claims(serde_json::json!({"groups": "staff finance"}));
        assert_eq!(c.role_for(&spaced), Some(Role::Editor));
        assert_eq!(
            c.role_for(&claims(serde_json::json!({"groups": ["staff"]}))),
            None
        );
        assert_eq!(c.role_for(&claims(serde_json::json!({}))), None);
    }

    fn args(flags: &[&str]) -> SingleSignOnArgs {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            args: SingleSignOnArgs,
        }
        let argv = std::iter::once("compute-ledger").chain(flags.iter().copied());
        <Flags as clap::Parser>::try_parse_from(argv).unwrap().args
    }

    #[test]
    fn settings_that_would_lock_everyone_out_are_refused_at_start() {
        let no_way_in = OidcConfig::from_args(&args(&["--no-password-login"])).unwrap_err();
        assert!(no_way_in.contains("nobody could sign in"), "{no_way_in}");
        let unmapped = args(&[
            "--oidc-issuer=https://id.example.com",
            "--oidc-client-id=ledger",
            "--public-url=https://ledger.example.com/",
            "--oidc-roles=finance=editor",
        ]);
        assert!(OidcConfig::from_args(&unmapped)
            .unwrap_err()
            .contains("--oidc-role-claim"));
        let on = args(&[
            "--oidc-issuer=https://id.example.com",
            "--oidc-client-id=ledger",
            "--public-url=https://ledger.example.com/",
        ]);
        let config = OidcConfig::from_args(&on).unwrap().unwrap();
        assert_eq!(
            config.redirect_url,
            "https://ledger.example.com/login/oidc/callback"
        );
        assert_eq!(config.default_role, Role::Viewer);
        assert!(OidcConfig::from_args(&args(&[])).unwrap().is_none());
    }

    #[test]
    fn a_bad_role_map_is_refused_with_the_pair() {
        assert!(parse_role_map("finance=boss")
            .unwrap_err()
            .contains("finance=boss"));
        assert!(parse_role_map("finance")
            .unwrap_err()
            .contains("group=role"));
        assert!(parse_role_map("finance=").unwrap_err().contains("no role"));
        assert_eq!(parse_role_map(" , ").unwrap(), vec![]);
    }
}
