//! The columns of a FOCUS 1.3 Contract Commitment dataset, and how the ledger's column names
//! map onto them in messages.

/// The FOCUS 1.3 columns in the spec's order, then the custom ones.
pub const COLUMNS: &[&str] = &[
    "BillingCurrency",
    "ContractCommitmentCategory",
    "ContractCommitmentCost",
    "ContractCommitmentDescription",
    "ContractCommitmentId",
    "ContractCommitmentPeriodEnd",
    "ContractCommitmentPeriodStart",
    "ContractCommitmentQuantity",
    "ContractCommitmentType",
    "ContractCommitmentUnit",
    "ContractId",
    "ContractPeriodEnd",
    "ContractPeriodStart",
    "x_ServiceProviderName",
    "x_ContractTitle",
    "x_CommitmentScope",
];

/// The columns a provider's file must have (the provider may come from the import instead).
pub(super) const REQUIRED: &[&str] = &[
    "BillingCurrency",
    "ContractCommitmentCategory",
    "ContractCommitmentId",
    "ContractCommitmentPeriodEnd",
    "ContractCommitmentPeriodStart",
    "ContractId",
    "ContractPeriodEnd",
    "ContractPeriodStart",
];

/// Ledger column names in errors from the generated files, as the FOCUS columns.
pub(crate) fn focus_column(ledger_column: &str, contracts_file: bool) -> &str {
    match ledger_column {
        "start_date" if contracts_file => "ContractPeriodStart",
        "end_date" if contracts_file => "ContractPeriodEnd",
        "reference" | "contract" => "ContractId",
        "commitment" => "ContractCommitmentId",
        "quantity" => "ContractCommitmentQuantity",
        "unit" => "ContractCommitmentUnit",
        "scope" => "x_CommitmentScope",
        "vendor" => "x_ServiceProviderName",
        "start_date" => "ContractCommitmentPeriodStart",
        "end_date" => "ContractCommitmentPeriodEnd",
        "committed_amount" => "ContractCommitmentCost",
        "currency" => "BillingCurrency",
        "title" => "x_ContractTitle",
        "name" => "x_ServiceProviderName",
        other => other,
    }
}
