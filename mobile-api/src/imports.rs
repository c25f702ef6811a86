//! Going live from spreadsheets: the CSV import's kinds and its report.

use crate::error::Problem;
use serde::{Deserialize, Serialize};

wire_enum!(
    /// What one CSV file holds; the files go in this order, each naming what the one before made
    /// (a contact names its customer, an asset its customer and site).
    ImportKind {
        Customers => "customers",
        Contacts => "contacts",
        Sites => "sites",
        Assets => "assets",
        Technicians => "technicians",
    }
);

/// What an import found and did. A dry run writes nothing; an import writes every row or, when
/// any row has a problem, none (`written` says which).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub kind: ImportKind,
    pub dry_run: bool,
    /// How the file was read: `utf-8` or `gbk` (GB 18030, as spreadsheets here save CSV).
    pub encoding: String,
    /// Data rows in the file (the header line not counted).
    pub rows: u32,
    /// Rows written; in a dry run, the rows that would be.
    pub valid_rows: u32,
    pub written: bool,
    /// Every row's problems, by line (the header is line 1) and column.
    pub problems: Vec<ImportProblem>,
}

/// One problem of one row: where it is, and the error the API would answer for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The file's line, 1 being the header.
    pub line: u64,
    /// The column's header, when the problem is one cell's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub problem: Problem,
}
