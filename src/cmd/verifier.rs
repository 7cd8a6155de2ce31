use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Fichier JSON de la CTG
    pub fichier: PathBuf,
    /// Format de sortie
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
    /// Population servant aux seuils (totale : règle générale ; municipale)
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg = ctg::io::read_model(&a.fichier)?;
    let report = ctg::rules::verify(&ctg, a.population);
    match a.format {
        Format::Json => super::print_json(&report),
        Format::Texte => print!(
            "{}",
            ctg::render::report_text(&a.fichier.display().to_string(), &report)
        ),
    }
    Ok(super::findings_code(report.summary.errors))
}
