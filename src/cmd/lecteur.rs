//! `ctg lecteur` (hidden): an isolated reader. It answers one JSON request a line from the
//! command that started it (`valider`, `consolider`, `importer`), under the memory limit set
//! by that command; see `ctg::isolation`. Not for people to run.

use std::path::PathBuf;
use std::process::ExitCode;

use ctg::ao::Basis;
use ctg::{Diagnostic, Location};
use serde::Deserialize;

#[derive(clap::Args)]
pub struct Args {
    /// Tâche : valider, consolider ou importer
    #[arg(long)]
    pub tache: String,
    /// CTG de référence
    #[arg(long)]
    pub ctg: Option<PathBuf>,
    /// Population servant aux seuils
    #[arg(long, default_value = "totale", value_parser = super::basis)]
    pub population: Basis,
    /// Garder le modèle complet de chaque retour (consolider --modele)
    #[arg(long)]
    pub modele: bool,
}

#[derive(Deserialize)]
struct Request {
    fichier: PathBuf,
    #[serde(default)]
    nom: Option<String>,
    /// `valider --annoter`: where to write the annotated copy.
    #[serde(default)]
    annoter: Option<PathBuf>,
    /// Annotate files without anomaly too.
    #[serde(default)]
    tous: bool,
    /// Replace an annotated copy that exists.
    #[serde(default)]
    force: bool,
}

/// What `valider`'s worker answers.
#[derive(serde::Serialize, Deserialize)]
pub struct Validated {
    pub rapport: ctg::returns::ReturnReport,
    /// The annotated copy written.
    pub copie: Option<ctg::returns::Written>,
    /// The annotated copy could not be written: why.
    pub erreur_annotation: Option<String>,
}

impl Validated {
    /// The answer for a validated file and what became of its annotated copy.
    pub fn new(
        rapport: ctg::returns::ReturnReport,
        copy: Option<ctg::Result<ctg::returns::Written>>,
    ) -> Self {
        let (copie, erreur_annotation) = match copy {
            Some(Ok(w)) => (Some(w), None),
            Some(Err(e)) => (None, Some(e.to_string())),
            None => (None, None),
        };
        Validated {
            rapport,
            copie,
            erreur_annotation,
        }
    }
}

pub fn run(a: Args) -> ctg::Result<ExitCode> {
    let ctg_model = a.ctg.as_deref().map(ctg::io::read_model).transpose()?;
    let garbled = |_: &str| "{}".to_string();
    let handle = |line: &str| -> String {
        let Ok(r) = serde_json::from_str::<Request>(line) else {
            return "{}".into();
        };
        let name = r
            .nom
            .clone()
            .unwrap_or_else(|| r.fichier.display().to_string());
        simulated_failure(&name);
        match a.tache.as_str() {
            "consolider" => json(&ctg::consolidate::extract(
                &r.fichier,
                ctg_model.as_ref(),
                a.population,
                a.modele,
            )),
            "importer" => json(&match ctg::container::read_untrusted(&r.fichier) {
                Ok(bytes) => ctg::import::import(&bytes, &name),
                Err(x) => ctg::import::Imported::refused(Diagnostic::new(
                    x.code,
                    Location::file(&name),
                    x.message,
                )),
            }),
            _ => {
                let (rapport, copie) = super::valider::validate_one(
                    &r.fichier,
                    &name,
                    ctg_model.as_ref(),
                    a.population,
                    r.annoter.as_deref(),
                    r.tous,
                    r.force,
                );
                json(&Validated::new(rapport, copie))
            }
        }
    };
    ctg::isolation::serve(handle, garbled).map_err(|e| ctg::Error::Write {
        path: "la sortie standard".into(),
        source: e,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Test hook: makes this worker abort (`CTG_TEST_LECTEUR_ABANDON`) or hang
/// (`CTG_TEST_LECTEUR_BLOCAGE`) on a file whose name contains the given text, so that the
/// tests can show that a reader that crashes or never ends costs only its file, whatever the
/// pre-flight catches. It aborts as a runaway reader does: an allocation of a terabyte
/// refused, after which Rust prints «memory allocation of … bytes failed» and aborts.
pub fn simulated_failure(name: &str) {
    let hit = |var: &str| std::env::var(var).is_ok_and(|v| !v.is_empty() && name.contains(&v));
    if hit("CTG_TEST_LECTEUR_ABANDON") {
        let runaway: Vec<u8> = Vec::with_capacity(std::hint::black_box(1 << 40));
        std::hint::black_box(&runaway);
        std::process::abort();
    }
    if hit("CTG_TEST_LECTEUR_BLOCAGE") {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Any answer, as one JSON line.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}
