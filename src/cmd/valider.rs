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
    /// Avec --annoter, écrit aussi une copie des retours sans anomalie
    #[arg(long)]
    pub tous: bool,
}

/// An annotated copy that ctg wrote and nobody changed since (checked like any file: size,
/// regular file, archive audit, then ctg's mark).
fn previous_copy(path: &std::path::Path) -> bool {
    ctg::container::read_untrusted(path).is_ok_and(|bytes| {
        let (sniffed, package) = ctg::container::sniff_package(&bytes);
        sniffed.is_ok() && package.is_some_and(|p| ctg::returns::annotate::untouched_copy(&p))
    })
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg_model = a.ctg.as_deref().map(ctg::io::read_model).transpose()?;
    let inputs = super::expand_inputs(&a.fichiers)?;
    let files = inputs.files;
    let names = annotated_names(&files);
    // Which copies may be replaced: all with --force; else those a previous run left as it
    // wrote them (a weekly `valider --annoter` into the same folder stopped at the first
    // one); a copy the partner or the Caf has changed since, or any other file, is kept.
    let mut replace = vec![a.force; names.len()];
    if let Some(dir) = &a.annoter {
        for (n, r) in names.iter().zip(replace.iter_mut()) {
            let out = dir.join(n);
            if files.iter().any(|i| same_file(i, &out)) {
                return Err(ctg::Error::Invalid(format!(
                    "{} est un des fichiers lus : choisissez un autre dossier pour --annoter",
                    out.display()
                )));
            }
            *r = *r || previous_copy(&out);
            ctg::io::check_new(&out, *r)?;
        }
    }
    let isolation = super::isolated::command("valider", a.ctg.as_deref(), a.population, &[]);
    let mut reports: Vec<ReturnReport> = Vec::new();
    let mut copies: Vec<Option<returns::Written>> = Vec::new();
    for ((f, n), &force) in files.iter().zip(&names).zip(&replace) {
        let name = f.display().to_string();
        let out = a.annoter.as_ref().map(|d| d.join(n));
        // One file on Linux: isolated in a forked child (no second program start).
        #[cfg(target_os = "linux")]
        let forked = match &isolation {
            Some(cmd) if files.len() == 1 => {
                let (fc, fname, fout) = (f.clone(), name.clone(), out.clone());
                let (model, pop, tous) = (ctg_model.as_ref(), a.population, a.tous);
                ctg::isolation::call_forked(cmd.limits, move || {
                    super::lecteur::simulated_failure(&fname);
                    let (rapport, copy) =
                        validate_one(&fc, &fname, model, pop, fout.as_deref(), tous, force);
                    serde_json::to_string(&super::lecteur::Validated::new(rapport, copy))
                        .unwrap_or_else(|_| "{}".into())
                })
            }
            _ => None,
        };
        #[cfg(not(target_os = "linux"))]
        let forked: Option<Result<String, ctg::isolation::Interrupted>> = None;
        let answered = match (&isolation, forked) {
            (Some(_), Some(answer)) => Some(answer),
            (Some(cmd), None) => Some(ctg::isolation::call(cmd, &serde_json::json!({ "fichier": f, "nom": name, "annoter": out, "tous": a.tous, "force": force }).to_string())),
            (None, _) => None,
        };
        let report = match answered {
            Some(answer) => match answer {
                Ok(answer) => match serde_json::from_str::<super::lecteur::Validated>(&answer) {
                    Ok(v) => {
                        if let Some(e) = v.erreur_annotation {
                            return Err(ctg::Error::Invalid(e));
                        }
                        copies.push(v.copie);
                        v.rapport
                    }
                    Err(_) => ReturnReport::failed(
                        &name,
                        super::isolated::interrupted(&name, &ctg::isolation::Interrupted::Garbled),
                    ),
                },
                Err(why) => {
                    copies.push(None);
                    ReturnReport::failed(&name, super::isolated::interrupted(&name, &why))
                }
            },
            None => {
                let (report, copy) = validate_one(
                    f,
                    &name,
                    ctg_model.as_ref(),
                    a.population,
                    out.as_deref(),
                    a.tous,
                    force,
                );
                copies.push(copy.transpose()?);
                report
            }
        };
        reports.push(report);
    }
    for (f, why) in &inputs.skipped {
        let name = f.display().to_string();
        let d = ctg::Diagnostic::new(
            ctg::codes::Code::I134,
            ctg::Location::file(&name),
            format!("ignoré : {why}"),
        );
        reports.push(ReturnReport::failed(&name, d));
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
            for (i, r) in reports.iter().enumerate() {
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
                if let Some(Some(w)) = copies.get(i) {
                    sayln!("  copie annotée : {}", w.path.display());
                    if let Some(n) = &w.note {
                        sayln!("  remarque : {n}");
                    }
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

/// Validates one file and, when asked (`annoter`, and anomalies found or `tous`), writes its
/// annotated copy: the worker's job, and the command's own when isolation is off.
pub fn validate_one(
    file: &std::path::Path,
    name: &str,
    ctg_model: Option<&ctg::model::Ctg>,
    basis: Basis,
    annoter: Option<&std::path::Path>,
    tous: bool,
    force: bool,
) -> (ReturnReport, Option<ctg::Result<returns::Written>>) {
    let bytes = match ctg::container::read_untrusted(file) {
        Ok(b) => b,
        Err(r) => {
            let d = ctg::Diagnostic::new(r.code, ctg::Location::file(name), r.message);
            return (ReturnReport::failed(name, d), None);
        }
    };
    let report = returns::validate(&bytes, name, ctg_model, basis);
    let copy = match annoter {
        Some(out) if report.readable() && (tous || !report.diagnostics.is_empty()) => {
            Some(returns::write_annotated(&report, &bytes, out, force))
        }
        _ => None,
    };
    (report, copy)
}

/// Names of the annotated copies, distinct even when two inputs share a name
/// (`a/x.xlsx` and `b/x.xlsx` give `x-annote.xlsx` and `x-2-annote.xlsx`).
fn annotated_names(files: &[PathBuf]) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    files
        .iter()
        .map(|f| {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "retour".into());
            let ext = match f
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .as_deref()
            {
                Some("ods") => "ods",
                Some("xlsm") => "xlsm",
                _ => "xlsx",
            };
            let n = seen.entry(stem.to_lowercase()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{stem}-annote.{ext}")
            } else {
                format!("{stem}-{n}-annote.{ext}")
            }
        })
        .collect()
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
