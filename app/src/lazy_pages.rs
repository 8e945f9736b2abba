//! The pages the browser loads on demand. The landing dashboards stay in the main wasm module,
//! so `/` hydrates from one download; the other pages are in two lazily loaded groups: the
//! ledger pages and the workflow pages. `cargo leptos build --split` gives each group (and
//! the code the two share) its own file, fetched the first time one of its pages is shown and
//! named in the preload links of the pages that need it. Two groups rather than a split per
//! page: one split per page made ~300 chunks, and a page pulled in up to 190 of them.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// The ledger pages: entries and the pages that list them.
#[derive(Clone, Copy)]
pub enum LedgerPage {
    Contracts,
    NewContract,
    Contract,
    EditContract,
    Vendors,
    Deliveries,
    Usage,
    Revenue,
}

/// The workflow pages: importing, reading and closing the books, the user's account.
#[derive(Clone, Copy)]
pub enum WorkflowPage {
    Account,
    Import,
    Reports,
    Formats,
    Audit,
    Periods,
    Scenarios,
    Alerts,
    BoardPack,
    Rates,
    RateCards,
}

#[lazy]
fn ledger_pages(page: LedgerPage) -> AnyView {
    use crate::*;
    match page {
        LedgerPage::Contracts => contracts::ContractsPage().into_any(),
        LedgerPage::NewContract => contracts::NewContractPage().into_any(),
        LedgerPage::Contract => contracts::ContractPage().into_any(),
        LedgerPage::EditContract => contracts::EditContractPage().into_any(),
        LedgerPage::Vendors => vendors::VendorsPage().into_any(),
        LedgerPage::Deliveries => deliveries::DeliveriesPage().into_any(),
        LedgerPage::Usage => usage::UsagePage().into_any(),
        LedgerPage::Revenue => revenue::RevenuePage().into_any(),
    }
}

#[lazy]
fn workflow_pages(page: WorkflowPage) -> AnyView {
    use crate::*;
    match page {
        WorkflowPage::Account => account::AccountPage().into_any(),
        WorkflowPage::Import => upload::ImportPage().into_any(),
        WorkflowPage::Reports => reports_page::ReportsPage().into_any(),
        WorkflowPage::Formats => formats::FormatsPage().into_any(),
        WorkflowPage::Audit => history::AuditPage().into_any(),
        WorkflowPage::Periods => periods::PeriodsPage().into_any(),
        WorkflowPage::Scenarios => scenarios::ScenariosPage().into_any(),
        WorkflowPage::Alerts => alerts::AlertsPage().into_any(),
        WorkflowPage::BoardPack => board_pack::BoardPackPage().into_any(),
        WorkflowPage::Rates => rates::RatesPage().into_any(),
        WorkflowPage::RateCards => rate_cards::RateCardsPage().into_any(),
    }
}

macro_rules! lazy_pages {
    ($($group:ident($page:ident), $preload:ident: $($route:ident),+;)+) => {$($(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $group($page::$route).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )+)+};
}

lazy_pages! {
    ledger_pages(LedgerPage), __preload_ledger_pages:
        Contracts, NewContract, Contract, EditContract, Vendors, Deliveries, Usage, Revenue;
    workflow_pages(WorkflowPage), __preload_workflow_pages:
        Account, Import, Reports, Formats, Audit, Periods, Scenarios, Alerts, BoardPack, Rates, RateCards;
}
