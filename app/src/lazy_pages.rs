//! The pages the browser loads on demand. The landing dashboards stay in the main wasm module,
//! so `/` hydrates from one download; the other pages are in two lazily loaded groups: the
//! ledger pages and the workflow pages. `cargo leptos build --split` gives each group (and
//! the code the two share) its own file, fetched the first time one of its pages is shown and
//! named in the preload links of the pages that need it. Two groups rather than a split per
//! page: one split per page made ~300 chunks, and a page pulled in up to 190 of them.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A page of one of the groups; the group's loader renders it.
#[derive(Clone, Copy)]
pub enum Page {
    Contracts,
    NewContract,
    Contract,
    EditContract,
    Vendors,
    Deliveries,
    Usage,
    Revenue,
    Account,
    Import,
    Reports,
    Formats,
    Audit,
    Periods,
    Scenarios,
}

#[lazy]
fn ledger_pages(page: Page) -> AnyView {
    use crate::*;
    match page {
        Page::Contracts => contracts::ContractsPage().into_any(),
        Page::NewContract => contracts::NewContractPage().into_any(),
        Page::Contract => contracts::ContractPage().into_any(),
        Page::EditContract => contracts::EditContractPage().into_any(),
        Page::Vendors => vendors::VendorsPage().into_any(),
        Page::Deliveries => deliveries::DeliveriesPage().into_any(),
        Page::Usage => usage::UsagePage().into_any(),
        Page::Revenue => revenue::RevenuePage().into_any(),
        _ => not_in_group(),
    }
}

#[lazy]
fn workflow_pages(page: Page) -> AnyView {
    use crate::*;
    match page {
        Page::Account => account::AccountPage().into_any(),
        Page::Import => upload::ImportPage().into_any(),
        Page::Reports => reports_page::ReportsPage().into_any(),
        Page::Formats => formats::FormatsPage().into_any(),
        Page::Audit => history::AuditPage().into_any(),
        Page::Periods => periods::PeriodsPage().into_any(),
        Page::Scenarios => scenarios::ScenariosPage().into_any(),
        _ => not_in_group(),
    }
}

/// Each route below names its own group, so a group is never asked for another's page.
fn not_in_group() -> AnyView {
    view! { <p class="empty">"Page not found."</p> }.into_any()
}

macro_rules! lazy_pages {
    ($($group:ident, $preload:ident: $($route:ident),+;)+) => {$($(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $group(Page::$route).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )+)+};
}

lazy_pages! {
    ledger_pages, __preload_ledger_pages:
        Contracts, NewContract, Contract, EditContract, Vendors, Deliveries, Usage, Revenue;
    workflow_pages, __preload_workflow_pages:
        Account, Import, Reports, Formats, Audit, Periods, Scenarios;
}
