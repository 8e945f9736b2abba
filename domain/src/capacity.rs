//! Capacity in named units: a phase counts units of its resource (GPUs of a kind — GB200,
//! GB300, H100, TPU — or megawatts when the resource is `MW`, as a colocation contract states
//! it), and may state the power it brings beside its GPUs. A receipt delivers units, and power
//! where it says so; where it does not, the phase's power in proportion to the units.

use crate::fx::divide_half_even;

/// The resource that counts power: a phase of `MW` plans megawatts, a rate card for `MW`
/// prices a megawatt-hour.
pub const POWER: &str = "MW";

pub fn is_power(resource: &str) -> bool {
    resource.trim().eq_ignore_ascii_case(POWER)
}

/// The power a phase plans, in millionths of a MW: its quantity when it counts power, else the
/// power it states (if any).
pub fn phase_power_micros(
    resource: &str,
    planned_quantity_micros: i64,
    planned_power_micros: Option<i64>,
) -> Option<i64> {
    if is_power(resource) {
        Some(planned_quantity_micros)
    } else {
        planned_power_micros
    }
}

/// The accelerators a phase plans (none for a power-only phase).
pub fn phase_units_micros(resource: &str, planned_quantity_micros: i64) -> i64 {
    if is_power(resource) {
        0
    } else {
        planned_quantity_micros
    }
}

/// The power a receipt delivered: what it states; else, for a phase counting power, its
/// quantity; else the phase's power × received ÷ planned, rounded once half to even.
pub fn receipt_power_micros(
    phase_resource: &str,
    planned_quantity_micros: i64,
    planned_power_micros: Option<i64>,
    quantity_micros: i64,
    stated_power_micros: Option<i64>,
) -> Option<i64> {
    if let Some(stated) = stated_power_micros {
        return Some(stated);
    }
    if is_power(phase_resource) {
        return Some(quantity_micros);
    }
    let power = planned_power_micros?;
    if planned_quantity_micros <= 0 {
        return None;
    }
    let share = divide_half_even(
        i128::from(power) * i128::from(quantity_micros),
        i128::from(planned_quantity_micros),
    );
    i64::try_from(share).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MW: i64 = 1_000_000;

    #[test]
    fn a_power_phase_counts_megawatts_and_no_gpus() {
        assert_eq!(phase_power_micros("mw", 40 * MW, None), Some(40 * MW));
        assert_eq!(phase_units_micros("MW", 40 * MW), 0);
        assert_eq!(phase_units_micros("GB300", 1_000 * MW), 1_000 * MW);
        assert_eq!(phase_power_micros("GB300", 1_000 * MW, None), None);
        assert_eq!(
            phase_power_micros("GB300", 1_000 * MW, Some(2 * MW)),
            Some(2 * MW)
        );
    }

    #[test]
    fn a_receipt_without_power_delivers_the_phase_power_pro_rata() {
        // 150 MW for 100,000 GPUs; 30,000 arrive: 45 MW.
        assert_eq!(
            receipt_power_micros("GB300", 100_000 * MW, Some(150 * MW), 30_000 * MW, None),
            Some(45 * MW)
        );
        // 1 MW for 3 units, 1 arrives: 0.333333(3) MW, rounded once.
        assert_eq!(
            receipt_power_micros("GB300", 3 * MW, Some(MW), MW, None),
            Some(333_333)
        );
        assert_eq!(
            receipt_power_micros("GB300", 100 * MW, Some(150 * MW), 30 * MW, Some(50 * MW)),
            Some(50 * MW),
            "what the receipt states wins"
        );
        assert_eq!(
            receipt_power_micros("MW", 40 * MW, None, 10 * MW, None),
            Some(10 * MW)
        );
        assert_eq!(receipt_power_micros("H100", 10, None, 5, None), None);
    }
}
