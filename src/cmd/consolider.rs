use super::sayln;
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
    /// Ajoute au résumé la durée et le débit (le rapport n'est alors plus reproductible)
    #[arg(long)]
    pub mesures: bool,
    /// Remplace les fichiers de sortie qui existent déjà
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    // Freed memory goes back to the system at once instead of after 10 ms: a national
    // consolidation peaks at about 415 MB instead of 535 MB, for the same time.
    unsafe { libmimalloc_sys::mi_option_set(crate::MI_OPTION_PURGE_DELAY, 0) };
    let inputs = super::expand_inputs(&a.entrees)?;
    let files = inputs.files;
    if let Some(m) = &a.modele
        && super::same_path(m, &a.sortie)
    {
        return Err(ctg::Error::Invalid(format!(
            "--sortie et --modele désignent le même fichier ({}) : choisissez deux noms",
            m.display()
        )));
    }
    let outputs: Vec<&std::path::Path> = std::iter::once(&a.sortie)
        .chain(a.modele.as_ref())
        .map(|p| p.as_path())
        .collect();
    for out in &outputs {
        ctg::io::check_new(out, a.force)?;
    }
    let sources: Vec<&std::path::Path> = files
        .iter()
        .chain(a.ctg.as_ref())
        .map(|p| p.as_path())
        .collect();
    super::refuse_overwrite_inputs(&sources, &outputs)?;
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
    let extra: &[&str] = if a.modele.is_some() {
        &["--modele"]
    } else {
        &[]
    };
    let isolation = super::isolated::command("consolider", a.ctg.as_deref(), a.population, extra);
    let settings = Settings {
        isolation: isolation.as_ref(),
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
    let mut c = pool.install(|| consolidate(&files, &settings));
    for (f, why) in &inputs.skipped {
        c.skip(f, why);
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // CTG_PHASES=1: when reading ended and when the outputs were written (benchmarks).
    let phases = std::env::var_os("CTG_PHASES").is_some();
    if phases {
        eprintln!("lecture : {:.2} s", started.elapsed().as_secs_f64());
    }
    // The workbook and the model of one run are both new or both old; both are written
    // straight into their files (a national run holds neither in memory), at the same time.
    let model = a
        .modele
        .as_ref()
        .map(|_| std::mem::replace(&mut c.model, ctg::model::Ctg::empty()));
    let mut outputs: Vec<(&std::path::Path, ctg::io::Writer)> = Vec::new();
    if let (Some(m), Some(model)) = (&a.modele, model) {
        outputs.push((
            m,
            Box::new(move |f: &mut std::fs::File| {
                let mut w = std::io::BufWriter::new(f);
                serde_json::to_writer_pretty(&mut w, &model)?;
                drop(model);
                std::io::Write::write_all(&mut w, b"\n")?;
                std::io::Write::flush(&mut w)
            }),
        ));
    }
    let c_ref = &c;
    let ctg_ref = ctg_model.as_ref();
    outputs.push((
        &a.sortie,
        Box::new(move |f: &mut std::fs::File| {
            let mut book = ctg::consolidate::write::workbook(c_ref, ctg_ref)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            book.save_to_writer(std::io::BufWriter::new(f))
                .map_err(std::io::Error::other)
        }),
    ));
    ctg::io::write_atomic_with(outputs)?;
    if phases {
        eprintln!("écrit : {:.2} s", started.elapsed().as_secs_f64());
    }
    let secs = started.elapsed().as_secs_f64();
    let mb: f64 = c.files.iter().map(|f| f.taille as f64).sum::<f64>() / 1_048_576.0;
    let counts = ctg::diagnostic::Counts::of(&c.diagnostics);
    let rows = c.rows();
    let (read, kept, rejected, not_read) = (rows.read, rows.kept, rows.rejected, rows.not_read);
    match a.format {
        Format::Json => {
            let modele = a.modele.as_ref().map(|m| m.display().to_string());
            let mut resultat = c.resultat(&a.sortie.display().to_string(), modele.as_deref());
            if a.mesures {
                resultat["mesures"] = serde_json::json!({
                    "secondes": secs,
                    "fichiers_par_seconde": c.files.len() as f64 / secs.max(1e-9),
                    "mo_par_seconde": mb / secs.max(1e-9),
                });
            }
            super::print_report("consolider", c.files.clone(), &c.diagnostics, resultat)?
        }
        Format::Texte => {
            let rejected_files: Vec<_> = c
                .files
                .iter()
                .filter(|f| f.statut == ctg::consolidate::Statut::Rejete)
                .collect();
            for f in &rejected_files {
                sayln!("rejeté : {} — {}", f.fichier, f.motif);
            }
            for f in c
                .files
                .iter()
                .filter(|f| f.statut == ctg::consolidate::Statut::Ignore)
            {
                sayln!("ignoré : {} — {}", f.fichier, f.motif);
            }
            for f in c
                .files
                .iter()
                .filter(|f| f.statut == ctg::consolidate::Statut::Remplace)
            {
                sayln!("remplacé : {} — {}", f.fichier, f.motif);
            }
            use ctg::fr::plural;
            sayln!(
                "{} ({} rejeté{}), {} lue{} = {} retenue{} + {} rejetée{} + {} non lue{} ; {}",
                plural(c.files.len(), "fichier", "fichiers"),
                rejected_files.len(),
                if rejected_files.len() > 1 { "s" } else { "" },
                plural(read, "ligne", "lignes"),
                if read > 1 { "s" } else { "" },
                kept,
                if kept > 1 { "s" } else { "" },
                rejected,
                if rejected > 1 { "s" } else { "" },
                not_read,
                if not_read > 1 { "s" } else { "" },
                ctg::render::counts_line(counts.errors, counts.warnings, counts.infos)
            );
            if !c.expected.is_empty() {
                sayln!(
                    "{} attendue{}, {} accepté{}",
                    plural(c.expected.len(), "collectivité", "collectivités"),
                    if c.expected.len() > 1 { "s" } else { "" },
                    plural(c.received().len(), "retour", "retours"),
                    if c.received().len() > 1 { "s" } else { "" },
                );
            }
            if a.mesures {
                sayln!(
                    "{} écrit en {} ({} fichiers/s, {} Mo/s)",
                    a.sortie.display(),
                    ctg::fr::seconds(secs),
                    ctg::fr::decimal(c.files.len() as f64 / secs.max(1e-9), 0),
                    ctg::fr::decimal(mb / secs.max(1e-9), 1)
                );
            } else {
                sayln!("{} écrit", a.sortie.display());
            }
        }
    }
    let code = super::findings_code(counts.errors);
    // A national run holds millions of small allocations: the system takes the memory back
    // at exit at once, where freeing them one by one took 0.2 s of a 12 s run.
    std::mem::forget(c);
    Ok(code)
}
