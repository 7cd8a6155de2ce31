//! Word CTGs → model: the streaming reader (`reader`) and the table recogniser
//! (`recognize`). Uses the same container pre-flight as the workbook reader.

pub mod convention;
pub mod read;
pub mod recognize;
pub mod write;

use crate::codes::Code;
use crate::container::{self, Format};
use crate::model::Ctg;

pub use recognize::Report;

/// Imports a .docx; `Err` is a French message saying why it cannot be read.
pub fn import(bytes: &[u8]) -> Result<(Ctg, Report), (Code, String)> {
    import_as(container::sniff(bytes), bytes)
}

/// [`import`] when the caller already recognised (and checked) the file with `sniff`.
pub fn import_as(
    sniffed: Result<Format, crate::container::Refusal>,
    bytes: &[u8],
) -> Result<(Ctg, Report), (Code, String)> {
    match sniffed {
        Ok(Format::Docx) => {}
        Ok(Format::Doc) => {
            return Err((Code::E100, "document Word 97-2003 (.doc) : convertissez-le d'abord avec « soffice --headless --convert-to docx FICHIER.doc » (ou enregistrez-le en .docx dans Word)".into()));
        }
        Ok(f) => return Err((Code::E100, format!("{} et non document Word", f.label()))),
        Err(r) => return Err((r.code, r.message)),
    }
    let blocks = crate::guard::quietly(|| read::read(bytes))
        .map_err(|_| {
            (
                Code::E100,
                "document Word corrompu : la lecture a échoué".to_string(),
            )
        })?
        .map_err(|m| (Code::E100, m))?;
    // The recogniser indexes tables it classified; a slip on a hostile shape refuses the
    // file rather than ending the process.
    crate::guard::quietly(|| recognize::recognise(&blocks)).map_err(|_| {
        (
            Code::E100,
            "document Word : la reconnaissance de son contenu a échoué".to_string(),
        )
    })
}
