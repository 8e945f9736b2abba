//! The Leptos app: pages and the server functions behind them. Server functions hold no SQL;
//! they call `store` (and later `analytics`).

pub mod contracts;
#[cfg(feature = "ssr")]
pub mod reports;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{SsrMode, StaticSegment};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/png" href="/favicon.png"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, so this flips once the page has hydrated; tests and
    // styles can tell a live page from server-rendered HTML.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Stylesheet id="leptos" href="/pkg/compute-ledger.css"/>
        <Title text="Compute Ledger"/>
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"Compute Ledger"</A>
                <nav aria-label="Main">
                    <A href="/">"Contracts"</A>
                </nav>
            </header>
            <main data-hydrated=move || hydrated.get().to_string()>
                <Routes fallback=|| view! { <p class="empty">"Page not found."</p> }>
                    // Async: the server waits for the data, so the HTML is complete without wasm.
                    <Route path=StaticSegment("") view=contracts::ContractsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
