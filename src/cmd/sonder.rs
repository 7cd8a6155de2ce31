//! `ctg sonder FICHIER`: opens any office file with ctg's readers and says what it holds,
//! or why it cannot be read. Used by the corpus test (one process per file, under limits).

use super::sayln;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Fichier à ouvrir
    pub fichier: PathBuf,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let bytes = super::read_input(&a.fichier)?;
    match ctg::container::sniff(&bytes) {
        Ok(f) if f.is_spreadsheet() => match ctg::workbook::grid::open(&bytes, None) {
            Ok(book) => {
                let cells: usize = book
                    .sheets
                    .iter()
                    .map(|s| s.cells.iter().map(|r| r.len()).sum::<usize>())
                    .sum();
                sayln!(
                    "lu : {}, {}, {}",
                    f.label(),
                    ctg::fr::plural(book.sheets.len(), "feuille", "feuilles"),
                    ctg::fr::plural(cells, "cellule", "cellules")
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(r) => {
                sayln!("refusé [{}] : {}", r.code, r.message);
                Ok(ExitCode::from(1))
            }
        },
        Ok(f) => match ctg::docx::import(&bytes) {
            Ok((model, report)) => {
                sayln!(
                    "lu : {}, {} paragraphes, {} tableaux, {} fiches-action",
                    f.label(),
                    report.paragraphes,
                    report.tableaux,
                    model.fiches.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err((code, message)) => {
                sayln!("refusé [{code}] : {message}");
                Ok(ExitCode::from(1))
            }
        },
        Err(r) => {
            sayln!("refusé [{}] : {}", r.code, r.message);
            Ok(ExitCode::from(1))
        }
    }
}
