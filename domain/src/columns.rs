//! How a report's machine column names read as table headers. The CSV and JSON keep the
//! machine names (scripts read them); people read these.

/// The header for a column: its name in words ("days_late" → "Days late"), with the few
/// names that read better otherwise spelled out.
pub fn header(column: &str) -> String {
    let known = match column {
        "cumulative_spend" => "Spent to date",
        "cumulative_quantity" => "Used to date",
        "cumulative_received" => "Received to date",
        "true_up" => "True-up",
        "hhi" => "HHI",
        "ttm_infra_spend" => "Infra spend (TTM)",
        "ttm_revenue" => "Revenue (TTM)",
        "ttm_ratio" => "Ratio (TTM)",
        "infra_spend" => "Infra spend",
        "run_rate_per_day" => "Run-rate per day",
        "commitments_to_revenue" => "Commitments ÷ revenue",
        "as_of" => "As of",
        "sku" => "SKU",
        "not_counted" => "Eligible, not counted",
        "planned_quantity" => "Planned",
        "received_quantity" => "Received",
        "outstanding_quantity" => "Outstanding",
        "committed_quantity" => "Committed quantity",
        "applied_quantity" => "Applied quantity",
        "remaining_quantity" => "Remaining quantity",
        "exhaustion_date" => "Exhausted on",
        "projected_shortfall" => "Projected shortfall",
        "gpus_online" => "GPUs online",
        "gpus_to_come" => "GPUs to come",
        "mw_online" => "MW online",
        "mw_to_come" => "MW to come",
        "gpu_hours" => "GPU-hours",
        "mw_months" => "MW-months",
        "effective_per_gpu_hour" => "Effective per GPU-hour",
        "card_per_gpu_hour" => "Card per GPU-hour",
        "effective_per_mw_month" => "Effective per MW-month",
        "plan_true_up" => "Plan true-up",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let words = column.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a column holds a quantity whose unit is in the row's `unit` (or `resource`) column.
pub fn is_quantity(column: &str) -> bool {
    column.ends_with("quantity") || column == "cumulative_received"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_names_read_as_words() {
        assert_eq!(header("interval_start"), "Interval start");
        assert_eq!(header("days_late"), "Days late");
        assert_eq!(header("true_up"), "True-up");
        assert_eq!(header("planned_quantity"), "Planned");
        assert_eq!(header("contract"), "Contract");
        assert_eq!(header(""), "");
    }

    #[test]
    fn quantities_are_told_from_money() {
        assert!(is_quantity("planned_quantity"));
        assert!(is_quantity("cumulative_received"));
        assert!(!is_quantity("remaining"));
    }
}
