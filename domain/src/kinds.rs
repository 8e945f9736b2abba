use serde::{Deserialize, Serialize};

/// One closed set of words per enum: how it is written in CSV, stored, and shown.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses the CSV/form word; an empty value means the default.
            pub fn parse(raw: &str) -> Result<Self, String> {
                match raw.trim() {
                    "" => Ok($name::$default),
                    $($word => Ok($name::$variant),)+
                    other => Err(format!(
                        "must be one of {} (got {other:?})",
                        [$($word),+].join(", ")
                    )),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self { $name::$default }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> { Self::parse(raw) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use word_enum;

word_enum!(
    /// What kind of provider a vendor is.
    VendorKind { Hyperscaler = "hyperscaler", Neocloud = "neocloud", Colocation = "colocation", Other = "other" }
    default Other
);

word_enum!(
    /// `build_up`: a minimum spend, shortfall owed as a true-up; `burn_down`: a prepaid pool.
    CommitmentModel { BuildUp = "build_up", BurnDown = "burn_down" }
    default BuildUp
);

word_enum!(
    /// Whether the commitment is measured over its whole period or per year, quarter or month
    /// of it (each interval owes its even share).
    FulfillmentInterval { Term = "term", Annual = "annual", Quarterly = "quarterly", Monthly = "monthly" }
    default Term
);

impl FulfillmentInterval {
    /// Months per interval; `None` for the whole period.
    pub fn months(self) -> Option<u32> {
        match self {
            Self::Term => None,
            Self::Annual => Some(12),
            Self::Quarterly => Some(3),
            Self::Monthly => Some(1),
        }
    }
}

word_enum!(
    /// `spend`: an amount of money to spend; `usage`: a quantity to consume (GPU-hours, say),
    /// with an optional amount.
    CommitmentCategory { Spend = "spend", Usage = "usage" }
    default Spend
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_means_the_domain_default() {
        assert_eq!(
            CommitmentModel::parse("").unwrap(),
            CommitmentModel::BuildUp
        );
        assert_eq!(
            FulfillmentInterval::parse(" ").unwrap(),
            FulfillmentInterval::Term
        );
    }

    #[test]
    fn unknown_words_list_the_allowed_ones() {
        let err = VendorKind::parse("cloud").unwrap_err();
        assert!(
            err.contains("hyperscaler, neocloud, colocation, other"),
            "{err}"
        );
    }

    #[test]
    fn words_round_trip() {
        for k in VendorKind::ALL {
            assert_eq!(VendorKind::parse(k.as_str()).unwrap(), *k);
        }
    }
}
