//! What an audit entry is about: the one list the writers record, the audit page filters by,
//! and the report cache reads to know what a change touched.

use serde::{Deserialize, Serialize};

crate::kinds::word_enum!(
    /// The kind of thing an audit entry changed.
    AuditEntity {
        Vendor = "vendor",
        Contract = "contract",
        Commitment = "commitment",
        Phase = "phase",
        Receipt = "receipt",
        Usage = "usage",
        Revenue = "revenue",
        Statement = "statement",
        Period = "period",
        Scenario = "scenario",
        Import = "import",
        Ledger = "ledger",
        User = "user",
        Token = "token",
        Session = "session",
        AlertRule = "alert_rule",
        BoardPack = "board_pack",
        Rate = "rate",
        RateCard = "rate_card",
    }
    default Ledger
);

impl AuditEntity {
    /// How the audit page's filter names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Vendor => "Vendors",
            Self::Contract => "Contracts",
            Self::Commitment => "Commitments",
            Self::Phase => "Delivery phases",
            Self::Receipt => "Receipts",
            Self::Usage => "Usage",
            Self::Revenue => "Revenue",
            Self::Statement => "Vendor statements",
            Self::Period => "Closed periods",
            Self::Scenario => "Scenarios",
            Self::Import => "Imports",
            Self::Ledger => "Restores",
            Self::User => "Users",
            Self::Token => "API tokens",
            Self::Session => "Sign-ins",
            Self::AlertRule => "Alert rules",
            Self::BoardPack => "Board packs",
            Self::Rate => "Exchange rates",
            Self::RateCard => "Rate cards",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_reads_back_from_its_word_and_has_a_label() {
        for e in AuditEntity::ALL {
            assert_eq!(AuditEntity::parse(e.as_str()), Ok(*e));
            assert!(!e.label().is_empty());
        }
        assert!(AuditEntity::parse("invoice").is_err());
    }
}
