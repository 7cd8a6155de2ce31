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
    if matches!(
        ctg::container::sniff(&bytes),
        Ok(ctg::container::Format::Docx | ctg::container::Format::Doc)
    ) {
        return import_word(&bytes, &name, &a);
    }
    let outcome =
        ctg::workbook::read::read(&bytes, &name, Some(&ctg::workbook::layouts::CTG_COMPLET))
            .map_err(|d| ctg::Error::Invalid(format!("{} : {}", d.location, d.message)))?;
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
                name,
                a.sortie.display(),
                outcome.counts.read,
                outcome.counts.kept,
                outcome.counts.rejected,
                ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
            );
        }
    }
    Ok(super::findings_code(counts.errors))
}

fn import_word(bytes: &[u8], name: &str, a: &Args) -> ctg::Result<ExitCode> {
    let (model, report) =
        ctg::docx::import(bytes).map_err(|(_, m)| ctg::Error::Invalid(format!("{name} : {m}")))?;
    ctg::io::write_atomic(&a.sortie, ctg::io::model_json(&model).as_bytes())?;
    match a.format {
        Format::Json => super::print_json(
            &serde_json::json!({ "fichier": name, "sortie": a.sortie.display().to_string(), "rapport": report }),
        ),
        Format::Texte => {
            println!(
                "{name} : {} paragraphes, {} tableaux",
                report.paragraphes, report.tableaux
            );
            for f in &report.fiches {
                println!(
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
            println!(
                "  tableaux des compétences d'AO : {} ; tableaux d'équipements : {}",
                report.tableaux_competences, report.tableaux_equipements
            );
            for t in &report.non_reconnus {
                println!("  tableau non reconnu, première ligne : {t}");
            }
            println!(
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
