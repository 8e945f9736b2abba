//! OpenID Connect sign-in against a provider run on loopback inside the test: discovery, JWKS,
//! an authorisation endpoint that answers at once and a token endpoint that checks the client
//! secret and the PKCE verifier and issues ID tokens signed with a key made for the run. The
//! ledger's side is the real router over a fresh database (SQLite, or PostgreSQL in the second
//! pass).

mod common;

use axum::body::Body;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::{Duration, Utc};
use domain::Role;
use openidconnect::core::{
    CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AdditionalClaims, Audience, EndUserEmail, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims,
    SubjectIdentifier,
};
use rsa::pkcs1::EncodeRsaPrivateKey;
use server::oidc::{Oidc, OidcConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const CLIENT_ID: &str = "compute-ledger";
const CLIENT_SECRET: &str = "s3cret-for-the-test";
const PUBLIC_URL: &str = "http://ledger.test";

/// What the provider puts in (or does to) the next ID token.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Token {
    Good,
    /// Signed with a key that is not in the JWKS (under the published key's id).
    OtherKey,
    WrongAudience,
    Expired,
}

struct Provider {
    issuer: String,
    key: CoreRsaPrivateSigningKey,
    other_key: CoreRsaPrivateSigningKey,
    token: Token,
    email: String,
    email_verified: bool,
    groups: Vec<String>,
    /// code → (nonce, PKCE challenge)
    codes: HashMap<String, (String, String)>,
}

type Shared = Arc<Mutex<Provider>>;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Groups {
    groups: Vec<String>,
}
impl AdditionalClaims for Groups {}

type TestIdToken =
    IdToken<Groups, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

fn rsa_key() -> CoreRsaPrivateSigningKey {
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
    CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new("test-key".into()))).unwrap()
}

async fn discovery(State(p): State<Shared>) -> Json<serde_json::Value> {
    let issuer = p.lock().unwrap().issuer.clone();
    Json(serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(p): State<Shared>) -> Json<serde_json::Value> {
    let key = p.lock().unwrap().key.as_verification_key();
    Json(serde_json::json!({ "keys": [key] }))
}

/// Signs the user in at once and sends them back with a code.
async fn authorize(State(p): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256", "PKCE with SHA-256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    let code = format!("code-{}", q["state"].len() + p.lock().unwrap().codes.len());
    p.lock().unwrap().codes.insert(
        code.clone(),
        (q["nonce"].clone(), q["code_challenge"].clone()),
    );
    let back = format!(
        "{}?code={code}&state={}",
        q["redirect_uri"],
        urlencode(&q["state"])
    );
    Redirect::to(&back).into_response()
}

async fn token(
    State(p): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = headers[header::AUTHORIZATION].to_str().unwrap().to_owned();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if basic != expected {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let p = p.lock().unwrap();
    let Some((nonce, challenge)) = p.codes.get(&form["code"]).cloned() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let verifier = PkceCodeVerifier::new(form["code_verifier"].clone());
    if PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str() != challenge {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let now = Utc::now();
    let (issued, expires) = match p.token {
        Token::Expired => (now - Duration::minutes(20), now - Duration::minutes(10)),
        _ => (now, now + Duration::minutes(5)),
    };
    let audience = match p.token {
        Token::WrongAudience => "another-app",
        _ => CLIENT_ID,
    };
    let standard = StandardClaims::new(SubjectIdentifier::new("user-1".into()))
        .set_email(Some(EndUserEmail::new(p.email.clone())))
        .set_email_verified(Some(p.email_verified));
    let claims = IdTokenClaims::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        vec![Audience::new(audience.into())],
        expires,
        issued,
        standard,
        Groups {
            groups: p.groups.clone(),
        },
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let key = match p.token {
        Token::OtherKey => &p.other_key,
        _ => &p.key,
    };
    let id_token = TestIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap();
    Json(serde_json::json!({
        "access_token": "an-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
    .into_response()
}

fn urlencode(raw: &str) -> String {
    domain::links::query_string(&[("v", raw.to_owned())])[3..].to_owned()
}

fn url_form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// Starts the provider on a free loopback port.
async fn provider() -> Shared {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let (key, other_key) = tokio::task::spawn_blocking(|| (rsa_key(), rsa_key()))
        .await
        .unwrap();
    let shared = Arc::new(Mutex::new(Provider {
        issuer,
        key,
        other_key,
        token: Token::Good,
        email: "ana@example.com".into(),
        email_verified: true,
        groups: vec![],
        codes: HashMap::new(),
    }));
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(shared.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    shared
}

struct Ledger {
    ctx: common::Ctx,
    router: Router,
    _database: store::testing::TestDatabase,
    _dir: tempfile::TempDir,
}

async fn ledger(provider: &Shared, default_role: Role) -> Ledger {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, database) = common::demo_state(&dir).await;
    let config = OidcConfig {
        issuer: provider.lock().unwrap().issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        redirect_url: format!("{PUBLIC_URL}/login/oidc/callback"),
        default_role,
        role_claim: Some("groups".into()),
        role_map: server::oidc::config::parse_role_map("ledger-admins=admin,finance=editor")
            .unwrap(),
        label: "Test IdP".into(),
    };
    let router = server::web::router_with(ctx.state.clone(), Some(Oidc::new(config).unwrap()));
    Ledger {
        ctx,
        router,
        _database: database,
        _dir: dir,
    }
}

async fn get_ledger(ledger: &Ledger, path_and_query: &str) -> Response {
    ledger
        .router
        .clone()
        .oneshot(Request::get(path_and_query).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn location(response: &Response) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("ledger_session=") && !c.starts_with("ledger_session=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// The browser's round trip: the ledger's redirect, the provider's answer; returns the
/// callback's path and query as the provider sent the browser back.
async fn to_provider_and_back(ledger: &Ledger, next: &str) -> String {
    let start = get_ledger(ledger, &format!("/login/oidc?next={}", urlencode(next))).await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = location(&start);
    let browser = openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(&authorize).send().await.unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let back = answer.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    back.strip_prefix(PUBLIC_URL)
        .unwrap_or_else(|| panic!("sent back to {back}"))
        .to_owned()
}

async fn failed_sign_ins(ledger: &Ledger) -> usize {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    store::entities::audit_log::Entity::find()
        .filter(store::entities::audit_log::Column::Action.eq("failed sign-in"))
        .filter(store::entities::audit_log::Column::Actor.eq(store::sso::ACTOR))
        .count(&ledger.ctx.db)
        .await
        .unwrap() as usize
}

#[tokio::test]
async fn a_first_sign_in_creates_the_user_and_opens_a_session() {
    let provider = provider().await;
    let ledger = ledger(&provider, Role::Viewer).await;
    let callback = to_provider_and_back(&ledger, "/contracts").await;
    let signed_in = get_ledger(&ledger, &callback).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&signed_in),
        "/contracts",
        "on to where they were going"
    );
    let cookie = session_cookie(&signed_in).expect("a session cookie");
    let user = store::auth::find_user(&ledger.ctx.db, "ana@example.com")
        .await
        .unwrap()
        .expect("created at first sign-in");
    assert_eq!(user.role, "viewer", "the default role");
    let page = ledger
        .router
        .clone()
        .oneshot(
            Request::get("/contracts")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the session works");
    let body = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("ana@example.com"));

    // Groups now map to a role: set at the next sign-in and audited as a role change.
    provider.lock().unwrap().groups = vec!["staff".into(), "finance".into()];
    let callback = to_provider_and_back(&ledger, "/").await;
    assert!(session_cookie(&get_ledger(&ledger, &callback).await).is_some());
    let user = store::auth::find_user(&ledger.ctx.db, "ana@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, "editor");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    // In the order written (PostgreSQL returns rows in no particular order without one).
    let trail: Vec<String> = store::entities::audit_log::Entity::find()
        .filter(
            store::entities::audit_log::Column::Actor.is_in([store::sso::ACTOR, "ana@example.com"]),
        )
        .order_by_asc(store::entities::audit_log::Column::Id)
        .all(&ledger.ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        trail,
        [
            "create",
            "sign-in (single sign-on)",
            "role change",
            "sign-in (single sign-on)"
        ]
    );
}

#[tokio::test]
async fn a_replayed_answer_is_refused() {
    let provider = provider().await;
    let ledger = ledger(&provider, Role::Viewer).await;
    let callback = to_provider_and_back(&ledger, "/").await;
    assert!(session_cookie(&get_ledger(&ledger, &callback).await).is_some());
    let replayed = get_ledger(&ledger, &callback).await;
    assert_eq!(location(&replayed), "/login?error=sso_expired");
    assert!(session_cookie(&replayed).is_none());
    let forged = get_ledger(&ledger, "/login/oidc/callback?code=code-1&state=made-up").await;
    assert_eq!(location(&forged), "/login?error=sso_expired");
    assert_eq!(failed_sign_ins(&ledger).await, 2);
}

#[tokio::test]
async fn tokens_that_fail_a_check_open_no_session() {
    let provider = provider().await;
    let ledger = ledger(&provider, Role::Viewer).await;
    for bad in [Token::OtherKey, Token::WrongAudience, Token::Expired] {
        provider.lock().unwrap().token = bad;
        let callback = to_provider_and_back(&ledger, "/").await;
        let refused = get_ledger(&ledger, &callback).await;
        assert_eq!(location(&refused), "/login?error=sso", "{bad:?}");
        assert!(session_cookie(&refused).is_none(), "{bad:?}");
    }
    assert_eq!(failed_sign_ins(&ledger).await, 3);
    assert!(
        store::auth::find_user(&ledger.ctx.db, "ana@example.com")
            .await
            .unwrap()
            .is_none(),
        "no user is created from a refused token"
    );
    // The same provider with a good token works: the refusals were the token's.
    provider.lock().unwrap().token = Token::Good;
    let callback = to_provider_and_back(&ledger, "/").await;
    assert!(session_cookie(&get_ledger(&ledger, &callback).await).is_some());
}

#[tokio::test]
async fn an_unverified_email_or_a_disabled_user_is_refused() {
    let provider = provider().await;
    let ledger = ledger(&provider, Role::Viewer).await;
    provider.lock().unwrap().email_verified = false;
    let callback = to_provider_and_back(&ledger, "/").await;
    assert_eq!(
        location(&get_ledger(&ledger, &callback).await),
        "/login?error=sso_email"
    );

    provider.lock().unwrap().email_verified = true;
    provider.lock().unwrap().email = "viewer".into();
    store::auth::disable_user(&ledger.ctx.db, "admin", "viewer")
        .await
        .unwrap();
    let callback = to_provider_and_back(&ledger, "/").await;
    let refused = get_ledger(&ledger, &callback).await;
    assert_eq!(location(&refused), "/login?error=disabled");
    assert!(session_cookie(&refused).is_none());
}

#[tokio::test]
async fn the_sign_in_page_offers_the_provider_and_password_can_be_turned_off() {
    let provider = provider().await;
    let mut ledger = ledger(&provider, Role::Viewer).await;
    ledger.ctx.state.sign_in = app::auth::SignInOptions {
        password: false,
        single_sign_on: Some("Test IdP".into()),
    };
    let config = OidcConfig {
        issuer: provider.lock().unwrap().issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        redirect_url: format!("{PUBLIC_URL}/login/oidc/callback"),
        default_role: Role::Viewer,
        role_claim: None,
        role_map: vec![],
        label: "Test IdP".into(),
    };
    ledger.router =
        server::web::router_with(ledger.ctx.state.clone(), Some(Oidc::new(config).unwrap()));
    let page = get_ledger(&ledger, "/login?next=/usage").await;
    let body = axum::body::to_bytes(page.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("Sign in with Test IdP"), "{body}");
    assert!(body.contains("/login/oidc?next=%2Fusage"), "{body}");
    assert!(!body.contains("login-password"), "no password form");
    store::auth::add_user(
        &ledger.ctx.db,
        "setup",
        "pat",
        Role::Admin,
        "a long enough secret",
    )
    .await
    .unwrap();
    let password = ledger
        .router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(url_form(&[
                    ("username", "pat"),
                    ("password", "a long enough secret"),
                ])))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(location(&password), "/login?error=password_off&next=%2F");
    assert!(session_cookie(&password).is_none());
}

/// The two routes are the way in, so they answer before any session exists; a signed-in
/// caller of any role is answered the same way.
#[tokio::test]
async fn the_sign_in_routes_answer_anonymous_and_every_role_alike() {
    let provider = provider().await;
    let ledger = ledger(&provider, Role::Viewer).await;
    let issuer = provider.lock().unwrap().issuer.clone();
    let mut callers: Vec<Option<&common::Caller>> = vec![None];
    callers.extend(common::ROLES.iter().map(|r| Some(ledger.ctx.caller(*r))));
    for caller in callers {
        for (path, goes_to) in [
            ("/login/oidc?next=/usage", format!("{issuer}/authorize?")),
            (
                "/login/oidc/callback?code=x&state=y",
                "/login?error=sso_expired".to_owned(),
            ),
        ] {
            let mut request = Request::get(path);
            if let Some(c) = caller {
                request = request.header(header::COOKIE, &c.cookie);
            }
            let response = ledger
                .router
                .clone()
                .oneshot(request.body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert!(
                location(&response).starts_with(&goes_to),
                "{path}: {}",
                location(&response)
            );
        }
    }
}
