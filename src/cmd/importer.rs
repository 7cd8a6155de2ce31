use std::path::PathBuf;
use std::process::ExitCode;

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Classeur (.xlsx, .xlsm, .xls, .ods) à lire ; le format est reconnu au contenu
    pub fichier: PathBuf,
    /// Fichier JSON de la CTG à écrire
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Format du rapport d'import
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let bytes = super::read_input(&a.fichier)?;
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    let name = a.fichier.display().to_string();
    let outcome = ctg::workbook::read::read(&bytes, &name, Some(&ctg::workbook::layouts::CTG_COMPLET)).map_err(|d| ctg::Error::Invalid(format!("{} : {}", d.location, d.message)))?;
    ctg::io::write_atomic(&a.sortie, ctg::io::model_json(&outcome.model).as_bytes())?;
    let counts = ctg::diagnostic::Counts::of(&outcome.diagnostics);
    match a.format {
        Format::Json => super::print_json(&serde_json::json!({
            "fichier": name, "sortie": a.sortie.display().to_string(), "lignes": outcome.counts,
            "diagnostics": outcome.diagnostics, "summary": counts,
        })),
        Format::Texte => {
            print!("{}", ctg::render::diagnostics_text(&outcome.diagnostics));
            println!(
                "\n{} → {} : {} lignes lues, {} retenues, {} rejetées ; {}",
                name, a.sortie.display(), outcome.counts.read, outcome.counts.kept, outcome.counts.rejected,
                ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
            );
        }
    }
    Ok(super::findings_code(counts.errors))
}
