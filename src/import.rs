//! `ctg importer`: one entry for any file that holds a CTG — the full workbook (.xlsx, .xlsm,
//! .xls, .ods) or a Word document — picked by content. Its result is plain data, so that an
//! isolated reader can send it back to the command.

use serde::{Deserialize, Serialize};

use crate::container::{self, Format};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Ctg;
use crate::workbook::read::Counts;

/// What an import gives: the model (none when the file is refused), the diagnostics, and
/// what was read (rows of a workbook, the account of a Word document).
#[derive(Debug, Serialize, Deserialize)]
pub struct Imported {
    pub model: Option<Ctg>,
    pub diagnostics: Vec<Diagnostic>,
    pub lignes: Option<Counts>,
    pub document: Option<crate::docx::Report>,
}

impl Imported {
    /// A file refused as a whole, with its one diagnostic.
    pub fn refused(d: Diagnostic) -> Imported {
        Imported {
            model: None,
            diagnostics: vec![d],
            lignes: None,
            document: None,
        }
    }
}

impl Imported {
    /// The `resultat` of the JSON report (docs/rapport-json.md): the output's name and what
    /// was read (the rows of a workbook, or the account of a Word document).
    pub fn resultat(&self, sortie: &str) -> serde_json::Value {
        match &self.document {
            Some(doc) => serde_json::json!({ "sortie": sortie, "document": doc }),
            None => serde_json::json!({ "sortie": sortie, "lignes": self.lignes }),
        }
    }
}

/// Imports the bytes of `name`.
pub fn import(bytes: &[u8], name: &str) -> Imported {
    // Recognised and checked once, then handed to the one reader that fits.
    let sniffed = container::sniff(bytes);
    if matches!(sniffed, Ok(Format::Docx | Format::Doc)) {
        return match crate::docx::import_as(sniffed, bytes) {
            Ok((model, report)) => Imported {
                model: Some(model),
                diagnostics: report.diagnostics(name),
                lignes: None,
                document: Some(report),
            },
            Err((code, m)) => Imported::refused(Diagnostic::new(code, Location::file(name), m)),
        };
    }
    // An .xlsx is read from its audited package, where its parts are under the names the
    // reader looks for (checked a second time to keep it: one file, a millisecond; a Word
    // document is never held twice in memory).
    let (sniffed, package) = match sniffed {
        Ok(Format::Xlsx) => container::sniff_package(bytes),
        other => (other, None),
    };
    match crate::workbook::read::read_in(
        sniffed,
        package.as_ref(),
        bytes,
        name,
        Some(&crate::workbook::layouts::CTG_COMPLET),
    ) {
        Ok(o) => Imported {
            model: Some(o.model),
            diagnostics: o.diagnostics,
            lignes: Some(o.counts),
            document: None,
        },
        Err(d) => Imported::refused(d),
    }
}
