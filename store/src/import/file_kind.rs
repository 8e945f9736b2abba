//! The file kinds the ledger imports and exports: names, import order, file names.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerFile {
    Vendors,
    Contracts,
    /// Further commitments of contracts (a contract's own one is in `contracts.csv`).
    Commitments,
    Deliveries,
    Receipts,
    Usage,
    Revenue,
    /// A FOCUS 1.3 cost-and-usage file, imported as usage entries.
    FocusUsage,
    /// A FOCUS 1.3 contract commitment dataset, imported as contracts (and their vendors).
    FocusContracts,
}

impl LedgerFile {
    /// In import order: each kind refers only to kinds before it.
    pub const ALL: &'static [LedgerFile] = &[
        LedgerFile::Vendors,
        LedgerFile::Contracts,
        LedgerFile::Commitments,
        LedgerFile::Deliveries,
        LedgerFile::Receipts,
        LedgerFile::Usage,
        LedgerFile::Revenue,
    ];

    /// Imported but not one of the ledger's own files (never exported as one).
    pub const FOREIGN: &'static [LedgerFile] =
        &[LedgerFile::FocusUsage, LedgerFile::FocusContracts];

    pub fn as_str(self) -> &'static str {
        match self {
            LedgerFile::FocusUsage => "focus-usage",
            LedgerFile::FocusContracts => "focus-contracts",
            LedgerFile::Vendors => "vendors",
            LedgerFile::Contracts => "contracts",
            LedgerFile::Commitments => "commitments",
            LedgerFile::Deliveries => "deliveries",
            LedgerFile::Receipts => "receipts",
            LedgerFile::Usage => "usage",
            LedgerFile::Revenue => "revenue",
        }
    }

    /// The ledger file its rows end up in: FOCUS usage is exported as usage entries.
    pub fn ledger_kind(self) -> Self {
        match self {
            LedgerFile::FocusUsage => LedgerFile::Usage,
            LedgerFile::FocusContracts => LedgerFile::Contracts,
            other => other,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .chain(Self::FOREIGN)
            .copied()
            .find(|k| k.as_str() == raw.trim())
    }

    pub fn file_name(self) -> &'static str {
        match self {
            LedgerFile::Vendors => "vendors.csv",
            LedgerFile::Contracts => "contracts.csv",
            LedgerFile::Commitments => "commitments.csv",
            LedgerFile::Deliveries => "deliveries.csv",
            LedgerFile::Receipts => "receipts.csv",
            LedgerFile::Usage => "usage.csv",
            LedgerFile::Revenue => "revenue.csv",
            LedgerFile::FocusUsage => "focus-usage.csv",
            LedgerFile::FocusContracts => "focus-contracts.csv",
        }
    }

    /// `usage.csv`, and also dated variants such as `usage-2026-01.csv`.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let stem = path.file_stem()?.to_str()?;
        let ext_ok = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        Self::ALL.iter().copied().find(|k| {
            ext_ok
                && (stem == k.as_str()
                    || stem
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with(['-', '_'])))
        })
    }

    pub fn import_order(self) -> usize {
        Self::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(usize::MAX)
    }
}

impl std::fmt::Display for LedgerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
