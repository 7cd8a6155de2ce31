use super::{say, sayln};
use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;
use ctg::returns::{self, ReturnReport};

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Formulaires renvoyés (.xlsx, .xlsm, .xls, .ods), ou dossiers qui les contiennent
    #[arg(required = true)]
    pub fichiers: Vec<PathBuf>,
    /// Format de sortie
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
    /// Écrit dans ce dossier une copie annotée de chaque retour (cellules en anomalie colorées et commentées)
    #[arg(long)]
    pub annoter: Option<PathBuf>,
    /// CTG de référence (facultatif : le formulaire porte déjà la période et les fiches)
    #[arg(long)]
    pub ctg: Option<PathBuf>,
    /// Population servant aux seuils
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg_model = a.ctg.as_deref().map(ctg::io::read_model).transpose()?;
    let files = super::expand_inputs(&a.fichiers)?;
    let mut reports: Vec<ReturnReport> = Vec::new();
    for f in &files {
        let name = f.display().to_string();
        let report = match std::fs::read(f) {
            Ok(bytes) => returns::validate(&bytes, &name, ctg_model.as_ref(), a.population),
            Err(e) => ReturnReport::unreadable(&name, &e),
        };
        if let Some(dir) = &a.annoter
            && report.readable()
        {
            let out = dir.join(annotated_name(f));
            if files.iter().any(|i| same_file(i, &out)) {
                return Err(ctg::Error::Invalid(format!(
                    "{} est un des fichiers lus : choisissez un autre dossier pour --annoter",
                    out.display()
                )));
            }
            ctg::io::write_new(&out, &returns::annotated(&report)?, a.force)?;
        }
        reports.push(report);
    }
    let total = returns::total(&reports);
    match a.format {
        Format::Json => {
            let fichiers: Vec<_> = reports.iter().map(ReturnReport::entry).collect();
            let all: Vec<ctg::Diagnostic> = reports
                .iter()
                .flat_map(|r| r.diagnostics.iter().cloned())
                .collect();
            super::print_report("valider", fichiers, &all, serde_json::Value::Null)?
        }
        Format::Texte => {
            for r in &reports {
                let who = if r.nom.is_empty() {
                    String::new()
                } else {
                    format!(" — {} ({})", r.nom, r.collectivite)
                };
                sayln!("{}{who}", r.file);
                if r.diagnostics.is_empty() {
                    sayln!("  aucune anomalie");
                } else {
                    say!("{}", ctg::render::diagnostics_text(&r.diagnostics));
                }
                sayln!(
                    "  {} ; {} ; {}\n",
                    ctg::render::rows_line(&r.rows),
                    r.entry().statut.label(),
                    ctg::render::counts_line(r.counts.errors, r.counts.warnings, r.counts.infos)
                );
            }
            sayln!(
                "Bilan : {}, {}",
                ctg::fr::plural(reports.len(), "fichier", "fichiers"),
                ctg::render::counts_line(total.errors, total.warnings, total.infos)
            );
        }
    }
    Ok(super::findings_code(total.errors))
}

fn annotated_name(f: &std::path::Path) -> String {
    let stem = f
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "retour".into());
    format!("{stem}-annote.xlsx")
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
