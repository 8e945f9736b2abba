//! One module per ledger file kind: its columns, its row type and how a record becomes one.
//! FOCUS files are their own tree (`crate::focus`); `super::registry` maps each kind to its
//! parser.

pub(crate) mod commitments;
pub(crate) mod contracts;
pub(crate) mod deliveries;
pub(crate) mod receipts;
pub(crate) mod revenue;
pub(crate) mod usage;
pub(crate) mod vendors;
