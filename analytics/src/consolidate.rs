//! The ledger's frames with every amount in one reporting currency, so every report can be
//! shown consolidated without knowing about currencies. Spend and revenue are converted at the
//! rate of their own day (or, for constant-currency figures, all at one day's rates);
//! commitments at the rate of their start (the terms signed) or of the as-of date. Each
//! amount is converted exactly (`domain::fx::convert`: the rational amount × rate ÷ rate,
//! rounded once half to even at the frames' millionths); sums are rounded to the cent only
//! where a report shows them.

use crate::ledger::LedgerFrames;
use chrono::NaiveDate;
use domain::rate_book::{Factor, MissingRate, RateBook};
use domain::rate_card::RateCard;
use domain::Currency;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Which day's rate converts a commitment's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CommitmentRates {
    /// The rate of the commitment's first day: what the signed terms were worth.
    #[default]
    AtStart,
    /// The rate of the as-of date: what the commitment is worth today.
    AtAsOf,
}

/// Which day's rate converts spend and revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RatesOn {
    /// Each amount at the rate of its own day.
    #[default]
    EachDay,
    /// Every amount, commitments included, at the rates of one day: constant currency.
    Constant(NaiveDate),
}

/// How to consolidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Consolidation {
    pub currency: Currency,
    pub commitments: CommitmentRates,
    pub rates_on: RatesOn,
    /// The day `CommitmentRates::AtAsOf` means.
    pub as_of: NaiveDate,
}

/// The oldest rate a currency was converted at, relative to the day it converted (one per
/// currency: the figure that rests on the stalest rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleRate {
    pub currency: Currency,
    pub day: NaiveDate,
    pub rate_date: NaiveDate,
}

impl std::fmt::Display for StaleRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} on {} was converted at the rate of {} ({} days old)",
            self.currency,
            self.day,
            self.rate_date,
            (self.day - self.rate_date).num_days()
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConsolidateError {
    #[error("{0}")]
    MissingRate(#[from] MissingRate),
    #[error("an amount of {0} is too large to hold once converted")]
    TooLarge(i128),
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

/// The frames with every amount in `how.currency`, and the stale rates they used.
pub fn consolidate(
    frames: &LedgerFrames,
    how: &Consolidation,
) -> Result<(LedgerFrames, Vec<StaleRate>), ConsolidateError> {
    let mut converter = Converter::new(&frames.rates, how.currency);
    let fixed = |day: NaiveDate| match how.rates_on {
        RatesOn::EachDay => day,
        RatesOn::Constant(on) => on,
    };
    let commitment_day = |start: NaiveDate| match (how.rates_on, how.commitments) {
        (RatesOn::Constant(on), _) => on,
        (RatesOn::EachDay, CommitmentRates::AtStart) => start,
        (RatesOn::EachDay, CommitmentRates::AtAsOf) => how.as_of,
    };
    let mut out = frames.clone();
    out.usage = converter.column(&frames.usage, "amount_e6", "date", &fixed, 1)?;
    out.revenue = converter.column(&frames.revenue, "amount_e6", "period_start", &fixed, 1)?;
    // A commitment is a stated figure: converted to whole cents, as every commitment is held
    // (the true-up splits it into per-interval minimums in cents).
    out.commitments = converter.column(
        &frames.commitments,
        "committed_e6",
        "start_date",
        &commitment_day,
        domain::exact::PER_MINOR,
    )?;
    out.contracts = relabelled(&frames.contracts, how.currency)?;
    // A scenario's contract spends a fixed amount a day in its own currency from its start.
    let starts = starts_and_currencies(&frames.commitments)?;
    for (contract, daily) in out.outlook.fixed_daily_e6.iter_mut() {
        if let Some(&(start, from)) = starts.get(contract.as_str()) {
            let factor = converter.factor(from, commitment_day(start))?;
            *daily = *daily * factor.to as f64 / factor.from as f64;
        }
    }
    if let Some(missing) = converter.missing {
        return Err(missing.into());
    }
    // A rate card prices days still to come: converted at the as-of date's rates (or the
    // constant day's), the latest known, kept to its millionths.
    let currency_of = contract_currencies(&frames.contracts)?;
    let mut cards = Vec::with_capacity(frames.rate_cards.len());
    for card in frames.rate_cards.iter() {
        let Some(&from) = currency_of.get(card.contract.as_str()) else {
            continue;
        };
        let factor = converter.factor(from, fixed(how.as_of))?;
        let price = factor.apply(i128::from(card.price_e6));
        cards.push(RateCard {
            price_e6: i64::try_from(price).map_err(|_| ConsolidateError::TooLarge(price))?,
            ..card.clone()
        });
    }
    out.rate_cards = std::sync::Arc::new(cards);
    Ok((out, converter.stale.into_values().collect()))
}

/// Each contract's currency, from the contracts frame (one currency when it has none).
fn contract_currencies(
    contracts: &DataFrame,
) -> Result<HashMap<String, Currency>, ConsolidateError> {
    let Ok(currencies) = contracts.column("currency") else {
        return Ok(HashMap::new());
    };
    let references = contracts.column("contract")?.str()?;
    let mut out = HashMap::new();
    for (reference, code) in references.iter().zip(currencies.str()?.iter()) {
        if let (Some(reference), Some(code)) = (reference, code) {
            out.insert(reference.to_owned(), parse_currency(code)?);
        }
    }
    Ok(out)
}

struct Converter<'a> {
    book: &'a RateBook,
    to: Currency,
    factors: HashMap<(Currency, NaiveDate), Factor>,
    stale: BTreeMap<Currency, StaleRate>,
    /// The earliest day a rate was missing (the error names it: rates added from that day on
    /// may still leave later gaps, but never an earlier one).
    missing: Option<MissingRate>,
}

impl<'a> Converter<'a> {
    fn new(book: &'a RateBook, to: Currency) -> Self {
        Self {
            book,
            to,
            factors: HashMap::new(),
            stale: BTreeMap::new(),
            missing: None,
        }
    }

    fn factor(&mut self, from: Currency, day: NaiveDate) -> Result<Factor, MissingRate> {
        if let Some(factor) = self.factors.get(&(from, day)) {
            return Ok(*factor);
        }
        let factor = self.book.factor(from, self.to, day)?;
        if let Some(rate_date) = factor.rate_date.filter(|_| factor.stale_on(day)) {
            let stalest = self.stale.entry(from).or_insert(StaleRate {
                currency: from,
                day,
                rate_date,
            });
            // The oldest rate, and of equally old ones the latest day (whatever the row order).
            if (day - rate_date, day) > (stalest.day - stalest.rate_date, stalest.day) {
                *stalest = StaleRate {
                    currency: from,
                    day,
                    rate_date,
                };
            }
        }
        self.factors.insert((from, day), factor);
        Ok(factor)
    }

    /// `frame` with its `amount` column converted at the rate of `day_of(date)`, rounded half
    /// to even to a multiple of `step` millionths, and its `currency` column the reporting
    /// currency.
    fn column(
        &mut self,
        frame: &DataFrame,
        amount: &str,
        date: &str,
        day_of: &dyn Fn(NaiveDate) -> NaiveDate,
        step: i64,
    ) -> Result<DataFrame, ConsolidateError> {
        let currencies = frame.column("currency")?.str()?.clone();
        let dates: Vec<Option<NaiveDate>> = frame.column(date)?.date()?.as_date_iter().collect();
        let amounts = frame.column(amount)?.i64()?.clone();
        let mut converted = Vec::with_capacity(frame.height());
        for ((currency, day), value) in currencies.iter().zip(dates).zip(amounts.iter()) {
            let (Some(currency), Some(day), Some(value)) = (currency, day, value) else {
                converted.push(value);
                continue;
            };
            let from = parse_currency(currency)?;
            let factor = match self.factor(from, day_of(day)) {
                Ok(factor) => factor,
                Err(missing) => {
                    if self.missing.is_none_or(|m| missing.day < m.day) {
                        self.missing = Some(missing);
                    }
                    converted.push(None);
                    continue;
                }
            };
            let exact = factor.apply_in_steps(i128::from(value), i128::from(step));
            converted.push(Some(
                i64::try_from(exact).map_err(|_| ConsolidateError::TooLarge(exact))?,
            ));
        }
        let mut out = relabelled(frame, self.to)?;
        out.with_column(Column::new(amount.into(), converted))?;
        Ok(out)
    }
}

fn parse_currency(code: &str) -> PolarsResult<Currency> {
    Currency::parse(code).map_err(|e| polars_err!(ComputeError: "currency {code:?} {e}"))
}

/// `frame` with every row's currency `to`.
fn relabelled(frame: &DataFrame, to: Currency) -> PolarsResult<DataFrame> {
    let mut out = frame.clone();
    if out.get_column_index("currency").is_some() {
        out.with_column(Column::new(
            "currency".into(),
            vec![to.as_str(); frame.height()],
        ))?;
    }
    Ok(out)
}

/// Each contract's earliest commitment start and its currency.
fn starts_and_currencies(
    commitments: &DataFrame,
) -> Result<HashMap<String, (NaiveDate, Currency)>, ConsolidateError> {
    let contracts = commitments.column("contract")?.str()?;
    let currencies = commitments.column("currency")?.str()?;
    let starts = commitments.column("start_date")?.date()?;
    let mut out: HashMap<String, (NaiveDate, Currency)> = HashMap::new();
    for ((contract, currency), start) in contracts
        .iter()
        .zip(currencies.iter())
        .zip(starts.as_date_iter())
    {
        if let (Some(contract), Some(currency), Some(start)) = (contract, currency, start) {
            let currency = parse_currency(currency)?;
            let entry = out.entry(contract.to_owned()).or_insert((start, currency));
            entry.0 = entry.0.min(start);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! A hand-computed ledger: a EUR contract (Nebius, 1,000.00 EUR) and a USD one (AWS,
    //! 2,000.00 USD), USD revenue, and three rate days against EUR: 1.10 USD from Jan 1, 1.20
    //! from Feb 1, 1.25 from Mar 1.
    use super::*;
    use crate::ledger::worked_example::{cents, f64s, i64s, strs};
    use crate::Filters;
    use domain::fx::Rate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn c(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn e6(cents: i64) -> i64 {
        cents * domain::exact::PER_MINOR
    }

    fn frames() -> LedgerFrames {
        let rates = ["2026-01-01", "2026-02-01", "2026-03-01"]
            .into_iter()
            .zip([11_000_000_000, 12_000_000_000, 12_500_000_000])
            .map(|(day, scaled)| Rate {
                date: d(day),
                base: c("EUR"),
                currency: c("USD"),
                scaled,
            });
        let commitments = df!(
            "contract" => ["E1", "U1"],
            "commitment" => ["E1", "U1"],
            "vendor" => ["Nebius", "AWS"],
            "category" => ["spend", "spend"],
            "committed_e6" => [100_000i64, 200_000].map(e6),
            "start_date" => [d("2026-01-01"), d("2026-01-01")],
            "end_date" => [d("2026-12-31"), d("2026-12-31")],
            "commitment_model" => ["build_up", "build_up"],
            "fulfillment_interval" => ["term", "term"],
            "currency" => ["EUR", "USD"],
        )
        .unwrap();
        let usage = df!(
            "contract" => [Some("E1"), Some("E1"), Some("E1"), Some("U1"), Some("U1"), None],
            "commitment" => [Some("E1"), Some("E1"), Some("E1"), Some("U1"), Some("U1"), None],
            "vendor" => ["Nebius", "Nebius", "Nebius", "AWS", "AWS", "Nebius"],
            "date" => ["2026-01-10", "2026-02-10", "2026-03-10", "2026-01-15", "2026-02-15", "2026-03-20"].map(d),
            "amount_e6" => [10_000i64, 20_000, 5_005, 30_000, 10_000, 1_000].map(e6),
            "quantity_micros" => [0i64; 6],
            "currency" => ["EUR", "EUR", "EUR", "USD", "USD", "EUR"],
        )
        .unwrap();
        let revenue = df!(
            "period_start" => ["2026-01-01", "2026-02-01", "2026-03-01"].map(d),
            "amount_e6" => [100_000i64, 100_000, 50_000].map(e6),
            "currency" => ["USD"; 3],
        )
        .unwrap();
        let (phases, receipts) = LedgerFrames::no_deliveries().unwrap();
        LedgerFrames {
            contracts: df!(
                "contract" => ["E1", "U1"],
                "vendor" => ["Nebius", "AWS"],
                "currency" => ["EUR", "USD"],
            )
            .unwrap(),
            commitments,
            usage,
            revenue,
            phases,
            receipts,
            outlook: Default::default(),
            rates: std::sync::Arc::new(RateBook::new(rates)),
            rate_cards: Default::default(),
        }
    }

    fn into(currency: &str) -> Consolidation {
        Consolidation {
            currency: c(currency),
            commitments: CommitmentRates::AtStart,
            rates_on: RatesOn::EachDay,
            as_of: d("2026-03-31"),
        }
    }

    #[test]
    fn spend_and_revenue_convert_at_their_days_rate_and_commitments_at_their_start() {
        let (usd, stale) = consolidate(&frames(), &into("USD")).unwrap();
        // 100.00 EUR on Jan 10 × 1.10 = 110.00; 200.00 on Feb 10 × 1.20 = 240.00; 50.05 on
        // Mar 10 × 1.25 = 62.5625 (kept exact, in millionths); 10.00 EUR under no contract on
        // Mar 20 = 12.50; USD unchanged.
        assert_eq!(
            i64s(&usd.usage, "amount_e6"),
            [
                110_000_000,
                240_000_000,
                62_562_500,
                300_000_000,
                100_000_000,
                12_500_000
            ]
        );
        assert_eq!(strs(&usd.usage, "currency"), ["USD"; 6]);
        // The EUR commitment at the rate of its start, Jan 1: 1,000.00 × 1.10.
        assert_eq!(cents(&usd.commitments, "committed_e6"), [110_000, 200_000]);
        assert_eq!(cents(&usd.revenue, "amount_e6"), [100_000, 100_000, 50_000]);
        // Rates are monthly here: the stalest use is Mar 20's, at Mar 1's rate.
        assert_eq!(
            stale,
            [StaleRate {
                currency: c("EUR"),
                day: d("2026-03-20"),
                rate_date: d("2026-03-01")
            }]
        );

        let burn = crate::burn_down(&usd, &Filters::default()).unwrap();
        // E1: 110.00, 350.00, 412.5625 burned of 1,100.00; U1: 300.00, 400.00 of 2,000.00.
        assert_eq!(
            i64s(&burn, "remaining_e6"),
            [
                990_000_000,
                750_000_000,
                687_437_500,
                1_700_000_000,
                1_600_000_000
            ]
        );

        let ratio = crate::infra_to_revenue(&usd, &Filters::default()).unwrap();
        // Jan (110 + 300) / 1000; Feb (240 + 100) / 1000; Mar (62.5625 + 12.50) / 500.
        assert_eq!(
            i64s(&ratio, "infra_spend_e6"),
            [410_000_000, 340_000_000, 75_062_500]
        );
        assert_eq!(f64s(&ratio, "ratio"), [0.41, 0.34, 0.150125]);

        let vendors = crate::vendor_concentration(&usd, &Filters::default()).unwrap();
        // March: Nebius alone (62.5625 + 12.50); January: AWS 300 of 410.
        assert_eq!(
            strs(&vendors, "vendor"),
            ["AWS", "Nebius", "AWS", "Nebius", "Nebius"]
        );
        assert_eq!(
            i64s(&vendors, "spend_e6"),
            [
                300_000_000,
                110_000_000,
                100_000_000,
                240_000_000,
                75_062_500
            ]
        );
    }

    #[test]
    fn commitments_at_the_as_of_rate_and_constant_currency() {
        let at_as_of = Consolidation {
            commitments: CommitmentRates::AtAsOf,
            ..into("USD")
        };
        let (usd, _) = consolidate(&frames(), &at_as_of).unwrap();
        // 1,000.00 EUR at the Mar 31 rate (1.25).
        assert_eq!(cents(&usd.commitments, "committed_e6"), [125_000, 200_000]);

        let constant = Consolidation {
            rates_on: RatesOn::Constant(d("2026-01-01")),
            ..into("USD")
        };
        let (usd, _) = consolidate(&frames(), &constant).unwrap();
        // Everything at Jan 1's 1.10: 100 + 200 + 50.05 EUR = 385.055 USD of E1's spend.
        let e1: i64 = i64s(&usd.usage, "amount_e6")[..3].iter().sum();
        assert_eq!(e1, 385_055_000);
        assert_eq!(cents(&usd.commitments, "committed_e6"), [110_000, 200_000]);
    }

    #[test]
    fn into_eur_rounds_each_amount_half_to_even_and_commitments_to_the_cent() {
        let (eur, _) = consolidate(&frames(), &into("EUR")).unwrap();
        // 300.00 USD on Jan 15 / 1.10 = 272.727272727… -> 272.727273; 100.00 on Feb 15 / 1.20
        // = 83.3333333… -> 83.333333; 2,000.00 USD at Jan 1 / 1.10 = 1,818.1818… -> 1,818.18.
        assert_eq!(
            i64s(&eur.usage, "amount_e6")[3..5],
            [272_727_273, 83_333_333]
        );
        assert_eq!(cents(&eur.commitments, "committed_e6"), [100_000, 181_818]);
        // Revenue 500.00 USD in March / 1.25 = 400.00 EUR.
        assert_eq!(i64s(&eur.revenue, "amount_e6")[2], 400_000_000);
    }

    #[test]
    fn a_stale_rate_is_reported_and_a_missing_one_names_currency_and_day() {
        let mut frames = frames();
        // A USD spend on Apr 20 uses the rate of Mar 1: 50 days old.
        let late = df!(
            "contract" => [Some("U1")],
            "commitment" => [Some("U1")],
            "vendor" => ["AWS"],
            "date" => [d("2026-04-20")],
            "amount_e6" => [e6(100)],
            "quantity_micros" => [0i64],
            "currency" => ["USD"],
        )
        .unwrap();
        frames.usage = frames.usage.vstack(&late).unwrap();
        let (_, stale) = consolidate(&frames, &into("EUR")).unwrap();
        assert_eq!(
            stale,
            [StaleRate {
                currency: c("USD"),
                day: d("2026-04-20"),
                rate_date: d("2026-03-01")
            }]
        );
        assert!(stale[0].to_string().contains("(50 days old)"));

        // Spend before the first rate cannot be converted: the error says which and when.
        let early = df!(
            "period_start" => [d("2025-12-01")],
            "amount_e6" => [e6(100)],
            "currency" => ["USD"],
        )
        .unwrap();
        frames.revenue = frames.revenue.vstack(&early).unwrap();
        match consolidate(&frames, &into("EUR")) {
            Err(ConsolidateError::MissingRate(missing)) => {
                assert_eq!((missing.currency, missing.day), (c("USD"), d("2025-12-01")));
            }
            other => panic!("expected a missing rate, got {:?}", other.map(|(_, s)| s)),
        }
        // Into USD the early USD revenue needs no rate.
        assert!(consolidate(&frames, &into("USD")).is_ok());
    }
}
