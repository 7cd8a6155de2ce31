use super::{say, sayln};
use std::path::PathBuf;
use std::process::ExitCode;

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Classeur (.xlsx, .xlsm, .xls, .ods) ou document Word (.docx) à lire ; le format est reconnu au contenu
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
    super::refuse_overwrite_input(&a.fichier, &a.sortie)?;
    ctg::io::check_new(&a.sortie, a.force)?;
    let mut imported = super::isolated::import(&a.fichier, &name);
    let Some(model) = imported.model.take() else {
        let d = imported
            .diagnostics
            .into_iter()
            .next()
            .expect("a refusal has its diagnostic");
        return super::refused(
            ctg::Error::Refused(Box::new(d)),
            &name,
            "importer",
            a.format,
        );
    };
    let diagnostics = std::mem::take(&mut imported.diagnostics);
    let counts = ctg::diagnostic::Counts::of(&diagnostics);
    ctg::io::write_new(&a.sortie, ctg::io::model_json(&model).as_bytes(), a.force)?;
    match a.format {
        Format::Json => {
            let fichier = ctg::report::Fichier {
                fichier: name.clone(),
                statut: ctg::report::Statut::of_counts(&counts),
                lignes: None,
                compteurs: counts,
            };
            let resultat = imported.resultat(&a.sortie.display().to_string());
            super::print_report("importer", vec![fichier], &diagnostics, resultat)?
        }
        Format::Texte => match &imported.document {
            Some(report) => word_text(&name, &a, &model, report)?,
            None => {
                say!("{}", ctg::render::diagnostics_text(&diagnostics));
                sayln!(
                    "\n{} → {} : {} ; {}",
                    name,
                    a.sortie.display(),
                    ctg::render::rows_line(&imported.lignes.unwrap_or_default()),
                    ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
                );
            }
        },
    }
    // Anything of a Word document placed nowhere is a finding: exit 1, as for errors.
    let lost = imported.document.as_ref().map_or(0, |d| d.non_places.len());
    Ok(super::findings_code(counts.errors + lost))
}

fn word_text(
    name: &str,
    a: &Args,
    model: &ctg::Ctg,
    report: &ctg::docx::Report,
) -> ctg::Result<()> {
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
        "  lignes du document : {} ; placées : {} ; non placées : {}",
        report.lignes,
        report.placees,
        report.non_places.len()
    );
    for n in &report.non_places {
        let sous = if n.titre.is_empty() {
            String::new()
        } else {
            format!(", sous « {} »", n.titre)
        };
        let mut texte: String = n.texte.chars().take(120).collect();
        if n.texte.chars().count() > 120 {
            texte.push('…');
        }
        sayln!(
            "    non placé ({}{sous}) : « {texte} » — {}",
            n.lieu,
            n.raison
        );
    }
    sayln!(
        "{} → {} : {} fiches-action, {} axes",
        name,
        a.sortie.display(),
        model.fiches.len(),
        model.axes.len()
    );
    Ok(())
}
