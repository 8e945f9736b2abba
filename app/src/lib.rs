//! The Leptos app: pages and the server functions behind them. Server functions hold no SQL;
//! they parse input with the domain types and call `store` (and `analytics` for reports).

pub mod account;
pub mod alerts;
pub mod auth;
pub mod board_pack;
pub mod commitments;
pub mod contracts;
pub mod csp;
pub mod dashboards;
pub mod deliveries;
pub mod formats;
pub mod forms;
pub mod history;
mod lazy_pages;
pub mod paging;
pub mod periods;
pub mod rate_cards;
pub mod rates;
pub mod reconciliation;
pub mod reports_page;
pub mod revenue;
pub mod scenarios;
#[cfg(feature = "ssr")]
pub mod state;
pub mod trueup;
pub mod upload;
pub mod usage;
pub mod vendors;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, Lazy, SsrMode};

/// Marks the server-rendered response 404 when a page's subject does not exist.
pub fn respond_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    csp::provide_for_page();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/png" href="/favicon.png"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                {auth::session_meta()}
                {auth::sign_in_meta()}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Flips `data-hydrated` on `<main>` once the page has hydrated, its lazily loaded page
/// included (the browser entry point calls it then), so tests and styles can tell a live page
/// from server-rendered HTML. An effect in `App` would fire before a lazy page is live.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Ok(Some(main)) = document().query_selector("main") {
        _ = main.set_attribute("data-hydrated", "true");
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Async: the server waits for the data, so every page's HTML is complete without wasm.
    let ssr = SsrMode::Async;
    // Known before anything renders, so every page and form sees the same role and CSRF
    // token on the server and after hydration.
    provide_context(auth::Session(auth::initial_session()));
    view! {
        <Stylesheet id="leptos" href="/pkg/compute-ledger.css"/>
        <Title text="Compute Ledger"/>
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"Compute Ledger"</A>
                <nav aria-label="Main">
                    <A href="/" exact=true>"Overview"</A>
                    <A href="/contracts">"Contracts"</A>
                    <A href="/vendors">"Vendors"</A>
                    <A href="/deliveries">"Deliveries"</A>
                    <A href="/usage">"Usage"</A>
                    <A href="/revenue">"Revenue"</A>
                    <A href="/import">"Import"</A>
                    <A href="/reports">"Reports"</A>
                    <A href="/audit">"Audit"</A>
                    <A href="/periods">"Periods"</A>
                    <A href="/scenarios">"Scenarios"</A>
                    <A href="/board-pack">"Board pack"</A>
                    <A href="/rates">"Rates"</A>
                    <A href="/rate-cards">"Rate cards"</A>
                    <alerts::AlertsLink/>
                </nav>
                <auth::UserMenu/>
            </header>
            <main data-hydrated="false">
                <Routes fallback=|| view! { <p class="empty">"Page not found."</p> }>
                    <Route path=path!("/") view=dashboards::pages::OverviewPage ssr=ssr.clone()/>
                    <Route path=path!("/dashboards/burndown") view=dashboards::pages::BurnDownPage ssr=ssr.clone()/>
                    <Route path=path!("/dashboards/ratio") view=dashboards::pages::RatioPage ssr=ssr.clone()/>
                    <Route path=path!("/dashboards/concentration") view=dashboards::pages::ConcentrationPage ssr=ssr.clone()/>
                    <Route path=path!("/dashboards/deliveries") view=dashboards::pages::DeliveriesTimelinePage ssr=ssr.clone()/>
                    <Route path=path!("/dashboards/capacity") view=dashboards::pages::CapacityPage ssr=ssr.clone()/>
                    <Route path=path!("/login") view=auth::LoginPage ssr=ssr.clone()/>
                    <Route path=path!("/account") view={Lazy::<lazy_pages::Account>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/contracts") view={Lazy::<lazy_pages::Contracts>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/contracts/new") view={Lazy::<lazy_pages::NewContract>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/contracts/:reference") view={Lazy::<lazy_pages::Contract>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/contracts/:reference/edit") view={Lazy::<lazy_pages::EditContract>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/vendors") view={Lazy::<lazy_pages::Vendors>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/deliveries") view={Lazy::<lazy_pages::Deliveries>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/usage") view={Lazy::<lazy_pages::Usage>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/revenue") view={Lazy::<lazy_pages::Revenue>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/import") view={Lazy::<lazy_pages::Import>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/reports") view={Lazy::<lazy_pages::Reports>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/formats") view={Lazy::<lazy_pages::Formats>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/audit") view={Lazy::<lazy_pages::Audit>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/periods") view={Lazy::<lazy_pages::Periods>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/scenarios") view={Lazy::<lazy_pages::Scenarios>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/alerts") view={Lazy::<lazy_pages::Alerts>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/board-pack") view={Lazy::<lazy_pages::BoardPack>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/rates") view={Lazy::<lazy_pages::Rates>::new()} ssr=ssr.clone()/>
                    <Route path=path!("/rate-cards") view={Lazy::<lazy_pages::RateCards>::new()} ssr=ssr.clone()/>
                </Routes>
            </main>
        </Router>
    }
}
