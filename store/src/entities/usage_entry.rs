use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vendor_id: i64,
    /// `None`: spend under no contract.
    pub contract_id: Option<i64>,
    /// The contract's commitment it burns; `None`: applied to none.
    pub commitment_id: Option<i64>,
    pub date: Date,
    /// Exact, in millionths of the currency unit.
    pub amount_e6: i64,
    pub currency: String,
    pub quantity_micros: i64,
    pub unit: String,
    pub sku: String,
    pub import_id: Option<i64>,
    pub region: String,
    pub row_hash: Option<String>,
    /// A FOCUS row's `PricingCurrency` ("" when the source gave none) and its cost in that
    /// currency (`PricingCurrencyEffectiveCost`, millionths; kept on the row's first entry).
    pub pricing_currency: String,
    pub pricing_cost_e6: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
