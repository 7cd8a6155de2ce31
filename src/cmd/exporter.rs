use super::note;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Fichier JSON de la CTG
    pub fichier: PathBuf,
    /// Classeur .xlsx à écrire
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg = ctg::io::read_model(&a.fichier)?;
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    let bytes = ctg::workbook::export(&ctg)?;
    ctg::io::write_new(&a.sortie, &bytes, a.force)?;
    note!(
        "{} écrit ({} feuilles, {} fiches-action)",
        a.sortie.display(),
        ctg::workbook::layouts::CTG_COMPLET.sheets.len(),
        ctg.fiches.len()
    );
    Ok(ExitCode::SUCCESS)
}
