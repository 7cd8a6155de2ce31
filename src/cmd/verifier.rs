use super::say;
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
    let name = a.fichier.display().to_string();
    let ctg = match ctg::io::read_model(&a.fichier) {
        Ok(c) => c,
        Err(e) => return super::refused(e, &name, "verifier", a.format),
    };
    let report = ctg::rules::verify(&ctg, a.population);
    match a.format {
        Format::Json => {
            let c = ctg::diagnostic::Counts::of(&report.diagnostics);
            let fichier = ctg::report::Fichier {
                fichier: name.clone(),
                statut: ctg::report::Statut::of_counts(&c),
                lignes: None,
                compteurs: c,
            };
            super::print_report(
                "verifier",
                vec![fichier],
                &report.diagnostics,
                &report.summary,
            )?
        }
        Format::Texte => say!("{}", ctg::render::report_text(&name, &report)),
    }
    Ok(super::findings_code(report.summary.errors))
}
