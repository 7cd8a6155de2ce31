use super::{say, sayln};
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
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let name = a.fichier.display().to_string();
    let bytes = match super::read_input(&a.fichier) {
        Ok(b) => b,
        Err(e) => return super::refused(e, &name, "importer", a.format),
    };
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    ctg::io::check_new(&a.sortie, a.force)?;
    if matches!(
        ctg::container::sniff(&bytes),
        Ok(ctg::container::Format::Docx | ctg::container::Format::Doc)
    ) {
        return import_word(&bytes, &name, &a);
    }
    let outcome = match ctg::workbook::read::read(
        &bytes,
        &name,
        Some(&ctg::workbook::layouts::CTG_COMPLET),
    ) {
        Ok(o) => o,
        Err(d) => {
            return super::refused(
                ctg::Error::Refused(Box::new(d)),
                &name,
                "importer",
                a.format,
            );
        }
    };
    ctg::io::write_new(
        &a.sortie,
        ctg::io::model_json(&outcome.model).as_bytes(),
        a.force,
    )?;
    let counts = ctg::diagnostic::Counts::of(&outcome.diagnostics);
    match a.format {
        Format::Json => {
            let fichier = ctg::report::Fichier {
                fichier: name.clone(),
                statut: ctg::report::Statut::of_counts(&counts),
                lignes: None,
                compteurs: counts,
            };
            let resultat = serde_json::json!({
                "sortie": a.sortie.display().to_string(),
                "lignes": outcome.counts,
            });
            super::print_report("importer", vec![fichier], &outcome.diagnostics, resultat)?
        }
        Format::Texte => {
            say!("{}", ctg::render::diagnostics_text(&outcome.diagnostics));
            sayln!(
                "\n{} → {} : {} ; {}",
                name,
                a.sortie.display(),
                ctg::render::rows_line(&outcome.counts),
                ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
            );
        }
    }
    Ok(super::findings_code(counts.errors))
}

fn import_word(bytes: &[u8], name: &str, a: &Args) -> ctg::Result<ExitCode> {
    let (model, report) = match ctg::docx::import(bytes) {
        Ok(x) => x,
        Err((code, m)) => {
            let d = ctg::Diagnostic::new(code, ctg::Location::file(name), m);
            return super::refused(ctg::Error::Refused(Box::new(d)), name, "importer", a.format);
        }
    };
    let diagnostics = report.diagnostics(name);
    let counts = ctg::diagnostic::Counts::of(&diagnostics);
    ctg::io::write_new(&a.sortie, ctg::io::model_json(&model).as_bytes(), a.force)?;
    match a.format {
        Format::Json => {
            let fichier = ctg::report::Fichier {
                fichier: name.to_string(),
                statut: ctg::report::Statut::of_counts(&counts),
                lignes: None,
                compteurs: counts,
            };
            let resultat =
                serde_json::json!({ "sortie": a.sortie.display().to_string(), "document": report });
            super::print_report("importer", vec![fichier], &diagnostics, resultat)?
        }
        Format::Texte => {
            sayln!(
                "{name} : {} paragraphes, {} tableaux",
                report.paragraphes,
                report.tableaux
            );
            for f in &report.fiches {
                sayln!(
                    "  fiche {} « {} » ({}) : {} rubriques reconnues{}",
                    f.id,
                    f.titre,
                    f.disposition,
                    f.champs.len(),
                    if f.autres.is_empty() {
                        String::new()
                    } else {
                        format!(", dans « autres » : {}", f.autres.join(", "))
                    }
                );
            }
            sayln!(
                "  tableaux des compétences d'AO : {} ; tableaux d'équipements : {}",
                report.tableaux_competences,
                report.tableaux_equipements
            );
            for t in &report.non_reconnus {
                sayln!("  tableau non reconnu, première ligne : {t}");
            }
            sayln!(
                "{} → {} : {} fiches-action, {} axes",
                name,
                a.sortie.display(),
                model.fiches.len(),
                model.axes.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
