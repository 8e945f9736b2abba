use super::file_kind::LedgerFile;
use std::io::Read;
use std::path::Path;

/// One CSV to import: what it holds, a name for messages, and its bytes.
pub struct ImportSource {
    pub kind: LedgerFile,
    pub name: String,
    pub size: Option<u64>,
    pub reader: Box<dyn Read + Send>,
    /// Which FOCUS cost column is the amount (FOCUS usage files only).
    pub focus_cost: crate::focus::FocusCost,
    /// Which FOCUS charge categories beyond usage, purchases and credits count.
    pub focus_charges: crate::focus::FocusCharges,
    /// The provider of every contract in a FOCUS contract commitment file that names none.
    pub vendor: Option<String>,
}

impl ImportSource {
    pub fn from_bytes(kind: LedgerFile, name: &str, bytes: Vec<u8>) -> Self {
        Self {
            kind,
            name: name.to_owned(),
            size: Some(bytes.len() as u64),
            reader: Box::new(std::io::Cursor::new(bytes)),
            focus_cost: Default::default(),
            focus_charges: Default::default(),
            vendor: None,
        }
    }

    /// Opens a file whose name says what it holds (`usage.csv`, `contracts.csv`…).
    pub fn open(path: &Path) -> Result<Self, String> {
        let kind = LedgerFile::from_path(path).ok_or_else(|| {
            format!(
                "{}: cannot tell what this file holds from its name; expected one of {}",
                path.display(),
                LedgerFile::ALL
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Self::open_as(kind, path)
    }

    pub fn open_as(kind: LedgerFile, path: &Path) -> Result<Self, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(Self {
            kind,
            name,
            size,
            reader: Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
            focus_cost: Default::default(),
            focus_charges: Default::default(),
            vendor: None,
        })
    }

    /// Every ledger CSV in a directory, by file name.
    pub fn open_dir(dir: &Path) -> Result<Vec<Self>, String> {
        let mut sources = Vec::new();
        for kind in LedgerFile::ALL {
            let path = dir.join(kind.file_name());
            // An empty file is one an export emptied: nothing of that kind.
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
                sources.push(Self::open_as(*kind, &path)?);
            }
        }
        if sources.is_empty() {
            return Err(format!(
                "{}: no ledger CSV files found (looked for {})",
                dir.display(),
                LedgerFile::ALL
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(sources)
    }
}

/// The header and first `rows` records of a CSV, as text, for a preview before or after import.
pub fn preview(path: &Path, rows: usize) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let header = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut records = Vec::new();
    for record in reader.records().take(rows) {
        let record = record.map_err(|e| e.to_string())?;
        records.push(record.iter().map(str::to_owned).collect());
    }
    Ok((header, records))
}
