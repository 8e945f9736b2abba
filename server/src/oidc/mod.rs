//! OpenID Connect sign-in (authorisation code with PKCE). `/login/oidc` sends the browser to
//! the identity provider with a fresh state, nonce and PKCE challenge (kept in the database,
//! see `store::sso`); the provider sends it back to `/login/oidc/callback` with a code, which
//! is exchanged for an ID token whose signature, issuer, audience, expiry and nonce the
//! `openidconnect` crate checks. The e-mail it vouches for is matched to a ledger user and a
//! session starts as after a password sign-in.

pub mod config;

use crate::auth::{audit_session, back_to_login, local_target, start_session};
use app::state::AppState;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
pub use config::OidcConfig;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthenticationFlow, AuthorizationCode, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::sso::{Identity, PendingLogin, SignIn};

pub use crate::auth::{OIDC_CALLBACK as CALLBACK, OIDC_START as START};

/// The provider's discovery document and keys are read again after this, so a rotated
/// signing key is picked up without a restart.
const REDISCOVER_AFTER: Duration = Duration::from_secs(5 * 60);

/// Every claim of the ID token beyond the standard ones (the groups claim is among them).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OtherClaims(pub serde_json::Map<String, serde_json::Value>);
impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type ProviderClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<Fields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The configured provider, shared by every request.
#[derive(Clone)]
pub struct Oidc {
    config: Arc<OidcConfig>,
    http: openidconnect::reqwest::Client,
    discovered: Arc<tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>>,
}

/// Why a sign-in through the provider did not happen (the reason goes to the log only).
enum Refusal {
    /// The provider, the token or the ledger failed; the user may try again.
    Failed(String),
    /// The provider did not vouch for an e-mail address.
    NoEmail,
}

impl Oidc {
    pub fn new(config: OidcConfig) -> anyhow::Result<Self> {
        // A redirect from the provider's endpoints is not followed: the code and the client
        // secret go only where discovery said.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            config: Arc::new(config),
            http,
            discovered: Default::default(),
        })
    }

    pub fn label(&self) -> &str {
        &self.config.label
    }

    pub fn routes(self) -> Router<AppState> {
        Router::new()
            .route(START, get(start))
            .route(CALLBACK, get(callback))
            .layer(Extension(self))
    }

    async fn client(&self) -> Result<ProviderClient, String> {
        let metadata = {
            let mut discovered = self.discovered.lock().await;
            match discovered.as_ref() {
                Some((at, metadata)) if at.elapsed() < REDISCOVER_AFTER => metadata.clone(),
                _ => {
                    let issuer = IssuerUrl::new(self.config.issuer.clone())
                        .map_err(|e| format!("issuer URL: {e}"))?;
                    let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
                        .await
                        .map_err(|e| format!("discovery: {}", chain(&e)))?;
                    *discovered = Some((Instant::now(), metadata.clone()));
                    metadata
                }
            }
        };
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| format!("redirect URL: {e}"))?;
        Ok(ProviderClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The code exchanged (with the PKCE verifier) and the ID token checked.
    async fn identity(&self, code: String, pending: &PendingLogin) -> Result<Identity, Refusal> {
        let client = self.client().await.map_err(Refusal::Failed)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| Refusal::Failed(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| Refusal::Failed(format!("code exchange: {}", chain(&e))))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Refusal::Failed("the token response has no ID token".into()))?;
        let claims = id_token
            .claims(
                &client.id_token_verifier(),
                &Nonce::new(pending.nonce.clone()),
            )
            .map_err(|e| Refusal::Failed(format!("ID token: {}", chain(&e))))?;
        if claims.email_verified() == Some(false) {
            return Err(Refusal::NoEmail);
        }
        let email = claims.email().ok_or(Refusal::NoEmail)?;
        Ok(Identity {
            email: email.as_str().to_owned(),
            role: self.config.role_for(&claims.additional_claims().0),
        })
    }
}

/// An error and its causes on one line, for the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

#[derive(serde::Deserialize)]
struct StartQuery {
    next: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    Extension(oidc): Extension<Oidc>,
    Query(query): Query<StartQuery>,
) -> Response {
    let next = local_target(query.next.as_deref().unwrap_or("/")).to_owned();
    let client = match oidc.client().await {
        Ok(client) => client,
        Err(reason) => {
            tracing::error!(%reason, "single sign-on: the identity provider cannot be used");
            return back_to_login(&[("error", "sso".into()), ("next", next)]);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingLogin {
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next: next.clone(),
    };
    if let Err(e) = store::sso::begin(&state.db, csrf.secret(), pending).await {
        tracing::error!(error = %e, "single sign-on: cannot remember the sign-in");
        return back_to_login(&[("error", "sso".into()), ("next", next)]);
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(serde::Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(
    State(state): State<AppState>,
    Extension(oidc): Extension<Oidc>,
    req: Request,
) -> Response {
    let address = client_address(&req);
    let refused = |reason: String, shown: &'static str| {
        let state = state.clone();
        let address = address.clone();
        async move {
            tracing::warn!(%reason, %address, "single sign-on refused");
            audit_session(&state, store::sso::ACTOR, "failed sign-in", &address).await;
            back_to_login(&[("error", shown.into())])
        }
    };
    let query = match Query::<CallbackQuery>::try_from_uri(req.uri()) {
        Ok(Query(query)) => query,
        Err(e) => return refused(format!("callback query: {e}"), "sso").await,
    };
    let pending = match &query.state {
        Some(s) => store::sso::take(&state.db, s).await,
        None => Ok(None),
    };
    let pending = match pending {
        Ok(Some(pending)) => pending,
        Ok(None) => {
            let reason = "unknown, expired or already used state".to_owned();
            return refused(reason, "sso_expired").await;
        }
        Err(e) => return refused(format!("database: {e}"), "sso").await,
    };
    let code = match (query.code, query.error) {
        (_, Some(error)) => return refused(format!("the provider answered {error}"), "sso").await,
        (Some(code), None) => code,
        (None, None) => return refused("no code".into(), "sso").await,
    };
    let identity = match oidc.identity(code, &pending).await {
        Ok(identity) => identity,
        Err(Refusal::Failed(reason)) => return refused(reason, "sso").await,
        Err(Refusal::NoEmail) => return refused("no verified e-mail".into(), "sso_email").await,
    };
    match store::sso::user_for(&state.db, &identity, oidc.config.default_role).await {
        Ok(SignIn::User(user)) => {
            let how = "sign-in (single sign-on)";
            start_session(&state, &user, req.headers(), &address, &pending.next, how).await
        }
        Ok(SignIn::Disabled) => {
            refused(format!("{} is disabled", identity.email), "disabled").await
        }
        Err(e) => refused(format!("database: {e}"), "sso").await,
    }
}
