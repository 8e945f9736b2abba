//! The Herfindahl–Hirschman index, 10 000 × Σ share²: one implementation for vendor
//! concentration of spend and of outstanding commitments. The squares are added in the order
//! given (vendor order), never in a parallel reduction, so a report gives the same index to the
//! last digit on every run.

/// Each amount's share of their total (all 0 when the total is 0).
pub fn shares(amounts: &[i64]) -> Vec<f64> {
    let total: i64 = amounts.iter().sum();
    amounts
        .iter()
        .map(|a| {
            if total == 0 {
                0.0
            } else {
                *a as f64 / total as f64
            }
        })
        .collect()
}

pub fn hhi(shares: &[f64]) -> f64 {
    10_000.0 * shares.iter().map(|s| s * s).sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vendor_is_10000_and_two_equal_vendors_5000() {
        assert_eq!(hhi(&shares(&[42])), 10_000.0);
        assert_eq!(hhi(&shares(&[3, 3])), 5_000.0);
    }

    #[test]
    fn shares_of_nothing_are_zero() {
        assert_eq!(shares(&[0, 0]), [0.0, 0.0]);
        assert_eq!(hhi(&shares(&[0, 0])), 0.0);
    }

    #[test]
    fn a_quarter_and_three_quarters() {
        // 10 000 × (0.25² + 0.75²) = 6 250.
        assert_eq!(hhi(&shares(&[1, 3])), 6_250.0);
    }
}
