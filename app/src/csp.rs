//! The Content-Security-Policy: scripts only from this origin or carrying the response's
//! nonce (Leptos puts it on its hydration bootstrap and on the data it streams), so a script
//! injected into a page does not run. Styles still allow inline `style` attributes, which the
//! charts use.

/// The policy for a response; `nonce` is the page's, `None` for responses without inline
/// scripts (files, JSON, CSV).
pub fn policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

/// A fresh nonce for the page being rendered, and the policy naming it on its response.
#[cfg(feature = "ssr")]
pub fn provide_for_page() {
    use leptos::prelude::use_context;
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy(Some(&nonce))) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn inline_scripts_need_the_nonce() {
        let page = policy(Some("abc"));
        assert!(
            page.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"),
            "{page}"
        );
        assert!(
            !policy(None).contains("'unsafe-inline' 'wasm"),
            "{}",
            policy(None)
        );
        assert!(!page
            .split(';')
            .any(|d| d.contains("script-src") && d.contains("unsafe-inline")));
    }
}
