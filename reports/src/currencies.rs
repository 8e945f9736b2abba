//! Which currencies a version of the ledger holds: what its amounts are in, and what any
//! exchange rate names (what a page can offer to show the figures in).

use domain::snapshot::LedgerSnapshot;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerCurrencies {
    pub amounts: std::collections::BTreeSet<domain::Currency>,
    pub rated: std::collections::BTreeSet<domain::Currency>,
}

impl LedgerCurrencies {
    pub(crate) fn of(snapshot: &LedgerSnapshot) -> Self {
        let amounts = (snapshot.contracts.iter().map(|c| c.currency))
            .chain(snapshot.usage.currency.iter().flatten().copied())
            .chain(snapshot.revenue.currency.iter().copied())
            .collect();
        let rated = snapshot
            .rates
            .iter()
            .flat_map(|r| [r.base, r.currency])
            .collect();
        Self { amounts, rated }
    }
}
