//! The file formats the ledger reads, documented once: the Formats page, the template
//! downloads and `docs/formats.md` are all written from this catalogue, and a test holds it
//! to the columns the importers accept.

mod catalogue;

use crate::import::LedgerFile;

/// One file kind, explained.
pub struct FileFormat {
    pub kind: LedgerFile,
    pub title: &'static str,
    pub purpose: &'static str,
    /// Every column in file order, with what it holds.
    pub columns: &'static [(&'static str, &'static str)],
    /// Two rows a template carries (one value per column).
    pub examples: [&'static [&'static str]; 2],
}

/// What every file shares.
pub const GENERAL_RULES: &[&str] = &[
    "UTF-8, comma-separated, a header row first, RFC 4180 quoting.",
    "Dates `YYYY-MM-DD`; decimals plain (`1234.50`: no thousands separator, no exponent).",
    "The ledger's own files keep their columns in the documented order; optional columns may be left out from the end.",
    "An import is all or nothing: one bad row and nothing is written; every bad row is reported with its line, column and reason.",
    "Nothing is overwritten: a row whose key exists is refused, and re-importing the same usage or receipts file is refused.",
];

impl FileFormat {
    pub fn all() -> &'static [FileFormat] {
        catalogue::FORMATS
    }

    pub fn of(kind: LedgerFile) -> Option<&'static FileFormat> {
        Self::all().iter().find(|f| f.kind == kind)
    }

    pub fn is_required(&self, column: &str) -> bool {
        self.kind.columns().required.contains(&column)
    }

    /// The header and the two example rows, as a file that imports as it is.
    pub fn template_csv(&self) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = out.write_record(self.columns.iter().map(|(name, _)| name));
        for row in self.examples {
            let _ = out.write_record(row);
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// `docs/formats.md`, written from the catalogue.
pub fn markdown() -> String {
    let mut md = String::from(
        "# File formats\n\n\
         What each file the ledger imports holds. The same text is on the app's Formats page, \
         which also offers each template (the header and two example rows) for download.\n\n\
         ## Every file\n\n",
    );
    for rule in GENERAL_RULES {
        md.push_str(&format!("- {rule}\n"));
    }
    for format in FileFormat::all() {
        md.push_str(&format!(
            "\n## {} (`{}`, kind `{}`)\n\n{}\n\n| column | | meaning |\n|---|---|---|\n",
            format.title,
            format.kind.file_name(),
            format.kind.as_str(),
            format.purpose
        ));
        for (name, meaning) in format.columns {
            let need = if format.is_required(name) {
                "required"
            } else {
                "optional"
            };
            md.push_str(&format!("| `{name}` | {need} | {meaning} |\n"));
        }
        md.push_str(&format!(
            "\nTemplate (`{}`):\n\n```csv\n{}```\n",
            format.kind.file_name(),
            format.template_csv()
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_importable_kind_is_documented_with_exactly_its_columns() {
        for kind in LedgerFile::ALL.iter().chain([&LedgerFile::FocusUsage]) {
            let format = FileFormat::of(*kind).unwrap_or_else(|| panic!("{kind:?} undocumented"));
            let documented: Vec<&str> = format.columns.iter().map(|(n, _)| *n).collect();
            assert_eq!(documented, kind.column_names(), "{kind:?}");
            for row in format.examples {
                assert_eq!(row.len(), documented.len(), "{kind:?} example width");
            }
        }
    }

    #[test]
    fn a_template_is_its_header_and_two_rows() {
        let vendors = FileFormat::of(LedgerFile::Vendors).unwrap();
        assert_eq!(
            vendors.template_csv(),
            "name,kind\nExample Cloud,hyperscaler\nExample GPU Co,neocloud\n"
        );
    }

    #[test]
    fn docs_formats_md_is_written_from_the_catalogue() {
        crate::testing::assert_doc_current("docs/formats.md", &markdown());
    }
}
