use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;

#[derive(clap::Args)]
pub struct Args {
    /// Dossier où écrire les résultats
    #[arg(default_value = "ctg-demo")]
    pub dossier: PathBuf,
}

/// The shipped sample, embedded so that the demo runs from any folder.
const SAMPLE: &str = include_str!("../../samples/ctg-pays-fouesnantais.json");

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let dir = &a.dossier;
    let write = |name: &str, text: &str| -> ctg::Result<PathBuf> {
        let p = dir.join(name);
        ctg::io::write_atomic(&p, text.as_bytes())?;
        Ok(p)
    };
    let mut written = Vec::new();
    let ctg = ctg::io::parse_model(SAMPLE, "ctg-pays-fouesnantais.json")?;
    let siren = ctg.territoire.epci.as_ref().map(|e| e.siren.clone()).unwrap_or_default();
    let terr = ctg::render::territoire(&siren, Basis::Totale).map_err(ctg::Error::Invalid)?;
    written.push(write("territoire.txt", &ctg::render::territoire_text(&terr))?);
    written.push(write("territoire.json", &serde_json::to_string_pretty(&terr).expect("json"))?);
    written.push(write("ctg.json", &ctg::io::model_json(&ctg))?);
    let report = ctg::rules::verify(&ctg, Basis::Totale);
    written.push(write("verification.txt", &ctg::render::report_text("ctg.json", &report))?);
    written.push(write("verification.json", &serde_json::to_string_pretty(&report).expect("json"))?);
    println!("Démonstration ctg sur « {} »", ctg.convention.titre);
    println!("  territoire : {} communes ({})", ctg.territoire.communes.len(), terr.millesime);
    println!(
        "  vérification : {}",
        ctg::render::counts_line(report.summary.errors, report.summary.warnings, report.summary.infos)
    );
    println!("Fichiers écrits :");
    for p in written {
        println!("  {}", p.display());
    }
    Ok(super::findings_code(report.summary.errors))
}
