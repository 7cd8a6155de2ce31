use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;
use ctg::consolidate::{Settings, consolidate};

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Retours (.xlsx, .xlsm, .xls, .ods) ou dossiers qui les contiennent
    #[arg(required = true)]
    pub entrees: Vec<PathBuf>,
    /// CTG de référence : communes attendues, fiches, tableaux à comparer ; le modèle consolidé part d'elle
    #[arg(long)]
    pub ctg: Option<PathBuf>,
    /// Classeur consolidé à écrire
    #[arg(short = 'o', long = "sortie")]
    pub sortie: PathBuf,
    /// Modèle JSON consolidé à écrire (pour ctg verifier et ctg convention)
    #[arg(long)]
    pub modele: Option<PathBuf>,
    /// Retour à retenir quand une commune en a envoyé plusieurs différents
    #[arg(long)]
    pub priorite: Option<PathBuf>,
    /// Nombre de fichiers lus en parallèle (par défaut : un par cœur)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Format du résumé
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    pub format: Format,
    /// Population servant aux seuils
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let files = super::expand_inputs(&a.entrees)?;
    for out in std::iter::once(&a.sortie).chain(a.modele.as_ref()) {
        for i in files.iter().chain(a.ctg.as_ref()) {
            super::refuse_overwrite_input(i, out)?;
        }
    }
    let ctg_model = a.ctg.as_deref().map(ctg::io::read_model).transpose()?;
    let bar = (std::io::stderr().is_terminal() && files.len() > 20).then(|| {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} fichiers ({per_sec}, reste {eta})",
            )
            .expect("template"),
        );
        b
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let settings = Settings {
        ctg: ctg_model.as_ref(),
        priorite: a.priorite.as_deref(),
        basis: a.population,
        progress: &tick,
        model: a.modele.is_some(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.jobs.unwrap_or(0))
        .build()
        .map_err(|e| ctg::Error::Invalid(e.to_string()))?;
    let started = std::time::Instant::now();
    let c = pool.install(|| consolidate(&files, &settings));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let bytes = ctg::consolidate::write::write(&c, ctg_model.as_ref())?;
    ctg::io::write_atomic(&a.sortie, &bytes)?;
    if let Some(m) = &a.modele {
        ctg::io::write_atomic(m, ctg::io::model_json(&c.model).as_bytes())?;
    }
    let secs = started.elapsed().as_secs_f64();
    let mb: f64 = c.files.iter().map(|f| f.taille as f64).sum::<f64>() / 1_048_576.0;
    let counts = ctg::diagnostic::Counts::of(&c.diagnostics);
    let (read, kept, rejected) = c.files.iter().fold((0, 0, 0), |acc, f| {
        (
            acc.0 + f.lignes_lues,
            acc.1 + f.lignes_retenues,
            acc.2 + f.lignes_rejetees,
        )
    });
    match a.format {
        Format::Json => super::print_json(&serde_json::json!({
            "fichiers": c.files, "diagnostics": c.diagnostics,
            "summary": { "fichiers": c.files.len(), "recus": c.received().len(), "attendus": c.expected.len(),
                         "lignes_lues": read, "lignes_retenues": kept, "lignes_rejetees": rejected,
                         "errors": counts.errors, "warnings": counts.warnings, "infos": counts.infos,
                         "secondes": secs, "fichiers_par_seconde": c.files.len() as f64 / secs.max(1e-9), "mo_par_seconde": mb / secs.max(1e-9) }
        })),
        Format::Texte => {
            let rejected_files: Vec<_> = c
                .files
                .iter()
                .filter(|f| f.statut == ctg::consolidate::Status::Rejete)
                .collect();
            for f in &rejected_files {
                println!("rejeté : {} — {}", f.fichier, f.motif);
            }
            println!(
                "{} fichiers ({} rejetés), {} lignes lues = {} retenues + {} rejetées ; {}",
                c.files.len(),
                rejected_files.len(),
                read,
                kept,
                rejected,
                ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
            );
            if !c.expected.is_empty() {
                println!(
                    "{} collectivités attendues, {} retours acceptés",
                    c.expected.len(),
                    c.received().len()
                );
            }
            println!(
                "{} écrit en {:.2} s ({:.0} fichiers/s, {:.1} Mo/s)",
                a.sortie.display(),
                secs,
                c.files.len() as f64 / secs.max(1e-9),
                mb / secs.max(1e-9)
            );
        }
    }
    Ok(super::findings_code(counts.errors))
}
