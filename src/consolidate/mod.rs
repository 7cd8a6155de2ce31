//! `ctg consolider`: many partner returns → one consolidated model and workbook, with the
//! provenance of every row, cross-file checks, and nothing lost.
//!
//! Each file is read and validated on its own (in parallel, its bytes dropped as soon as its
//! rows are extracted); the merge is sequential, in an order that depends only on the
//! content (collectivité code, file name, source row), never on the order of the files or
//! the number of threads.

pub mod write;

use crate::codes::Code;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ao::Basis;
use crate::diagnostic::{self, Diagnostic, Location, Severity};
use crate::model::Ctg;
use crate::referentials::{CompetenceAo, Referential, StatutAo, normalize};
use crate::returns::{self, ReturnReport};
use crate::workbook::cells;
use crate::workbook::layout::{Column, Sheet};
use crate::workbook::layouts::{
    COMMUNES, EQUIPEMENTS, IDENTITE_COMMUNE, PROJECTIONS, PROJECTIONS_ANNEES, SUIVI,
    SUIVI_INDICATEURS,
};
use crate::workbook::write::{Cell, out_of};

/// What became of a file.
pub use crate::report::Statut;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FileInfo {
    pub fichier: String,
    pub sha256: String,
    pub taille: u64,
    pub formulaire: String,
    pub version: String,
    pub collectivite: String,
    pub nom: String,
    pub date_formulaire: String,
    /// When the partner saved the file (document properties), else its modification time:
    /// what decides between two returns of one collectivité.
    #[serde(default)]
    pub date_enregistrement: String,
    /// `proprietes` (document properties) or `fichier` (modification time).
    #[serde(default)]
    pub source_date: String,
    pub statut: Statut,
    pub motif: String,
    pub lignes: crate::workbook::read::Counts,
    pub compteurs: crate::diagnostic::Counts,
}

/// A row of an entity sheet, with where it came from (shared strings: one per file).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct EntityRow {
    pub commune: Arc<str>,
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    /// 1-based row in the partner's sheet.
    pub row: u32,
    pub values: Vec<Cell>,
}

/// An entity sheet of the consolidated workbook.
pub struct Entity {
    pub name: &'static str,
    pub columns: &'static [Column],
    pub rows: Vec<EntityRow>,
}

/// Everything `consolider` produces.
pub struct Consolidation {
    pub files: Vec<FileInfo>,
    pub diagnostics: Vec<Diagnostic>,
    pub entities: Vec<Entity>,
    pub model: Ctg,
    /// Expected collectivités (from the CTG): code, name.
    pub expected: Vec<(String, String)>,
}

/// The entity sheets: (name in the output, sheet of the return layouts).
const ENTITIES: [(&str, &Sheet); 7] = [
    ("Compétences", &IDENTITE_COMMUNE),
    ("Compétences selon l'EPCI", &COMMUNES),
    ("Équipements", &EQUIPEMENTS),
    ("Projections", &PROJECTIONS),
    ("Projections par année", &PROJECTIONS_ANNEES),
    ("Suivi", &SUIVI),
    ("Suivi des indicateurs", &SUIVI_INDICATEURS),
];

/// One file once read: what consolidation needs of it, without its bytes or cells.
#[derive(Serialize, serde::Deserialize)]
pub struct Extract {
    info: FileInfo,
    diagnostics: Vec<Diagnostic>,
    /// Kept rows, by entity index.
    rows: Vec<(usize, EntityRow)>,
    /// The return as a model (accepted forms only).
    model: Option<Ctg>,
    /// Projected values of rejected rows: a CTG value they would have changed is kept.
    #[serde(default)]
    rejected_values: Vec<RejectedValue>,
}

/// A projected value a return proposed on a row that was rejected.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RejectedValue {
    pub ao: String,
    pub zone: String,
    pub mode: String,
    pub annee: i32,
    pub brut: String,
    pub feuille: String,
    /// 1-based row in the partner's sheet.
    pub ligne: u32,
}

/// The rejected rows of «Projections par année», read from their raw cells.
fn rejected_values(report: &ReturnReport) -> Vec<RejectedValue> {
    let Some(o) = &report.outcome else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in o
        .sheets
        .iter()
        .filter(|s| s.sheet.name == PROJECTIONS_ANNEES.name)
    {
        let col = |field: &str| s.sheet.columns.iter().position(|c| c.field == field);
        let (Some(ao), Some(zone), Some(mode), Some(annee), Some(valeur)) = (
            col("ao"),
            col("zone"),
            col("mode"),
            col("annee"),
            col("valeur"),
        ) else {
            continue;
        };
        for r in s.rows.iter().filter(|r| r.rejected) {
            let text = |i: usize| r.cells.get(i).map(|c| c.display()).unwrap_or_default();
            let Ok(year) = text(annee).trim().parse::<i32>() else {
                continue;
            };
            out.push(RejectedValue {
                ao: text(ao).trim().to_string(),
                zone: text(zone).trim().to_string(),
                mode: text(mode).trim().to_string(),
                annee: year,
                brut: text(valeur),
                feuille: s.found.clone().unwrap_or_default(),
                ligne: r.source_row + 1,
            });
        }
    }
    out
}

/// A file's modification time, ISO 8601 in UTC (`2026-05-04T09:12:00Z`), empty if unknown.
fn modified(p: &Path) -> String {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .unwrap_or_default()
}

/// Reads and validates one return and keeps what the consolidation needs (run in a worker
/// process when isolation is on).
pub fn extract(path: &Path, ctg: Option<&Ctg>, basis: Basis, full_model: bool) -> Extract {
    let name = path.display().to_string();
    match crate::container::read_untrusted(path) {
        Ok(bytes) => extract_read(
            &name,
            Ok(&bytes),
            None,
            &|| modified(path),
            ctg,
            basis,
            full_model,
        ),
        Err(r) => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            extract_read(
                &name,
                Err((r, size)),
                None,
                &String::new,
                ctg,
                basis,
                full_model,
            )
        }
    }
}

/// The same for a file already in memory (the browser: a dropped file, with its
/// modification time as ISO 8601, empty if unknown).
pub fn extract_bytes(
    name: &str,
    bytes: &[u8],
    modified: &str,
    ctg: Option<&Ctg>,
    basis: Basis,
    full_model: bool,
) -> Extract {
    extract_bytes_hashed(name, bytes, "", modified, ctg, basis, full_model)
}

/// [`extract_bytes`] with the file's SHA-256 (64 lowercase hexadecimal digits) when the
/// caller already has it: the page asks the browser's own implementation (WebCrypto), native
/// and off the WebAssembly's thread, where Rust's takes a twentieth of a return's reading
/// time. Anything else than such a digest is ignored and the digest computed here.
pub fn extract_bytes_hashed(
    name: &str,
    bytes: &[u8],
    sha256: &str,
    modified: &str,
    ctg: Option<&Ctg>,
    basis: Basis,
    full_model: bool,
) -> Extract {
    let read = match crate::container::refuse_size(bytes.len() as u64) {
        Some(r) => Err((r, bytes.len() as u64)),
        None => Ok(bytes),
    };
    let given = (sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then(|| sha256.to_string());
    extract_read(
        name,
        read,
        given,
        &|| modified.to_string(),
        ctg,
        basis,
        full_model,
    )
}

fn extract_read(
    name: &str,
    read: std::result::Result<&[u8], (crate::container::Refusal, u64)>,
    sha256: Option<String>,
    modified: &dyn Fn() -> String,
    ctg: Option<&Ctg>,
    basis: Basis,
    full_model: bool,
) -> Extract {
    let name = name.to_string();
    let mut saved: Option<String> = None;
    let (report, sha, size) = match read {
        Ok(bytes) => {
            let sha = sha256.unwrap_or_else(|| crate::container::hex(&Sha256::digest(bytes)));
            let size = bytes.len() as u64;
            let report = returns::validate(bytes, &name, ctg, basis);
            if report.readable() {
                saved = report.outcome.as_ref().and_then(|o| o.saved.clone());
            }
            (report, sha, size)
        }
        Err((r, size)) => (
            ReturnReport::failed(
                &name,
                Diagnostic::new(r.code, Location::file(&name), r.message),
            ),
            String::new(),
            size,
        ),
    };
    let meta = report
        .outcome
        .as_ref()
        .map(|o| o.meta.clone())
        .unwrap_or_default();
    let full_workbook = report.readable() && report.kind == "ctg-complet";
    let readable = report.readable() && report.kind.starts_with("retour-");
    let motif = if report.ignored || !report.readable() {
        report
            .diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default()
    } else if full_workbook {
        "classeur complet de la CTG (ctg exporter) : ce n'est pas un retour, il est ignoré".into()
    } else if !readable {
        "ce n'est pas un formulaire de retour".into()
    } else {
        String::new()
    };
    let mut info = FileInfo {
        fichier: name,
        sha256: sha,
        taille: size,
        formulaire: report.kind.clone(),
        version: meta.version,
        collectivite: report.collectivite.clone(),
        nom: report.nom.clone(),
        date_formulaire: meta.generated,
        source_date: if saved.is_some() {
            "proprietes".into()
        } else {
            "fichier".into()
        },
        date_enregistrement: saved.unwrap_or_else(modified),
        statut: if report.ignored || full_workbook {
            Statut::Ignore
        } else if !readable {
            Statut::Rejete
        } else {
            Statut::of_counts(&report.counts)
        },
        motif,
        lignes: report.rows.clone(),
        compteurs: report.counts,
    };
    let rows = if readable {
        rows_of(&report, &info)
    } else {
        Vec::new()
    };
    let rejected_values = if readable {
        rejected_values(&report)
    } else {
        Vec::new()
    };
    if info.statut == Statut::Ignore {
        info.lignes.not_read = info.lignes.read;
        info.lignes.kept = 0;
        info.lignes.rejected = 0;
    } else if !readable {
        info.lignes.rejected = info.lignes.read;
        info.lignes.kept = 0;
    }
    // Only what the merge and the cross-file checks use is kept (a national run holds one
    // per file): the territory, and with --modele the returned tables.
    let model = if readable {
        report.outcome.map(|o| {
            let mut light = Ctg::empty();
            light.territoire = o.model.territoire;
            if full_model {
                light.equipements = o.model.equipements;
                light.projections = o.model.projections;
                light.suivi = o.model.suivi;
            }
            light
        })
    } else {
        None
    };
    let mut diagnostics = report.diagnostics;
    if full_workbook {
        diagnostics = vec![Diagnostic::new(
            Code::I134,
            Location::file(&info.fichier),
            info.motif.clone(),
        )];
        info.compteurs = crate::diagnostic::Counts::of(&diagnostics);
    }
    Extract {
        info,
        diagnostics,
        rows,
        model,
        rejected_values,
    }
}

/// Every file read by worker processes, one per thread of the pool, each kept busy with two
/// requests at a time ([`crate::isolation::pipeline`]); the extracts in the order of `paths`.
#[cfg(not(target_arch = "wasm32"))]
fn extract_isolated(
    paths: &[PathBuf],
    cmd: &crate::isolation::Command,
    s: &Settings,
) -> Vec<Extract> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Extract>>> = Mutex::new((0..paths.len()).map(|_| None).collect());
    let threads = rayon::current_num_threads().clamp(1, paths.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                crate::isolation::pipeline(
                    cmd,
                    || {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let p = paths.get(i)?;
                        Some((i, serde_json::json!({ "fichier": p }).to_string()))
                    },
                    |i, answer| {
                        let e = answered(&paths[i], answer);
                        (s.progress)();
                        if let Ok(mut v) = out.lock() {
                            v[i] = Some(e);
                        }
                    },
                );
            });
        }
    });
    out.into_inner()
        .unwrap_or_default()
        .into_iter()
        .zip(paths)
        .map(|(e, p)| e.unwrap_or_else(|| interrupted(p, &crate::isolation::Interrupted::Garbled)))
        .collect()
}

fn extract_with(p: &Path, s: &Settings) -> Extract {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(cmd) = s.isolation {
        let request = serde_json::json!({ "fichier": p }).to_string();
        return answered(p, crate::isolation::call(cmd, &request));
    }
    extract(p, s.ctg, s.basis, s.model)
}

/// The extract a worker answered for `p`, or the file rejected with why there is none.
#[cfg(not(target_arch = "wasm32"))]
fn answered(p: &Path, answer: Result<String, crate::isolation::Interrupted>) -> Extract {
    match answer {
        Ok(a) => serde_json::from_str(&a)
            .map(shared)
            .unwrap_or_else(|_| interrupted(p, &crate::isolation::Interrupted::Garbled)),
        Err(why) => interrupted(p, &why),
    }
}

/// The rows of an answer share their commune, file and sheet names again (JSON gives each
/// row its own copies: a third of the memory of a national run).
#[cfg(not(target_arch = "wasm32"))]
fn shared(mut e: Extract) -> Extract {
    let mut seen: Vec<Arc<str>> = Vec::new();
    let mut intern = |s: &mut Arc<str>| match seen.iter().find(|x| ***x == **s) {
        Some(x) => *s = x.clone(),
        None => seen.push(s.clone()),
    };
    for (_, r) in &mut e.rows {
        intern(&mut r.commune);
        intern(&mut r.file);
        intern(&mut r.sheet);
    }
    e
}

/// A file whose reading was interrupted: rejected, with the cause.
#[cfg(not(target_arch = "wasm32"))]
fn interrupted(p: &Path, why: &crate::isolation::Interrupted) -> Extract {
    Extract::interrupted(&p.display().to_string(), &why.to_string())
}

impl Extract {
    /// A file whose reading was interrupted (its worker crashed, ran out of memory or of
    /// time): rejected, with the cause.
    pub fn interrupted(name: &str, cause: &str) -> Extract {
        let d = Diagnostic::new(Code::E127, Location::file(name), cause);
        Extract {
            info: FileInfo::not_read(Path::new(name), Statut::Rejete, cause, &d),
            diagnostics: vec![d],
            rows: Vec::new(),
            model: None,
            rejected_values: Vec::new(),
        }
    }

    /// The file's name, as given when it was read.
    pub fn file_name(&self) -> &str {
        &self.info.fichier
    }

    /// Whether the file carries no saving date of its own and was read without its
    /// modification time (the browser asks a file's modification time only when needed: the
    /// answer comes one file at a time).
    pub fn lacks_date(&self) -> bool {
        self.info.source_date == "fichier" && self.info.date_enregistrement.is_empty()
    }

    /// Gives the file's modification time to an extract that [lacks](Self::lacks_date) one.
    pub fn set_file_date(&mut self, modified: &str) {
        if self.lacks_date() {
            self.info.date_enregistrement = modified.to_string();
        }
    }
}

impl FileInfo {
    /// The entry of a file that was not read (refused as a whole, or ignored), with its one
    /// diagnostic.
    fn not_read(p: &Path, statut: Statut, motif: &str, d: &Diagnostic) -> FileInfo {
        FileInfo {
            fichier: p.display().to_string(),
            sha256: String::new(),
            taille: std::fs::symlink_metadata(p).map(|m| m.len()).unwrap_or(0),
            formulaire: String::new(),
            version: String::new(),
            collectivite: String::new(),
            nom: String::new(),
            date_formulaire: String::new(),
            date_enregistrement: String::new(),
            source_date: String::new(),
            statut,
            motif: motif.to_string(),
            lignes: Default::default(),
            compteurs: crate::diagnostic::Counts::of(std::slice::from_ref(d)),
        }
    }
}

impl Consolidation {
    /// A file that was not read (a lock file, a file of another type in a folder): listed as
    /// ignored with its reason, never dropped in silence.
    pub fn skip(&mut self, p: &Path, why: &str) {
        let d = Diagnostic::new(
            Code::I134,
            Location::file(p.display().to_string()),
            format!("ignoré : {why}"),
        );
        self.files
            .push(FileInfo::not_read(p, Statut::Ignore, why, &d));
        self.diagnostics.push(d);
    }
}

/// Options of a run.
pub struct Settings<'a> {
    /// Read each file in a worker process (`None`: in this process).
    #[cfg(not(target_arch = "wasm32"))]
    pub isolation: Option<&'a crate::isolation::Command>,
    pub ctg: Option<&'a Ctg>,
    pub priorite: Option<&'a Path>,
    pub basis: Basis,
    /// Called once per file read (for a progress bar).
    pub progress: &'a (dyn Fn() + Sync),
    /// Build the consolidated model (`--modele`); without it, memory stays lower.
    pub model: bool,
}

/// Reads every file (in parallel, each in a worker process when isolation is on), then
/// merges what was read.
pub fn consolidate(paths: &[PathBuf], s: &Settings) -> Consolidation {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(cmd) = s.isolation {
        return combine(extract_isolated(paths, cmd, s), s);
    }
    let extracts: Vec<Extract> = paths
        .par_iter()
        .map(|p| {
            let e = extract_with(p, s);
            (s.progress)();
            e
        })
        .collect();
    combine(extracts, s)
}

/// Merges the files read, in whatever order they were read (the browser reads them in its
/// own workers and hands their extracts here): the same extracts give the same result.
pub fn combine(mut extracts: Vec<Extract>, s: &Settings) -> Consolidation {
    extracts.sort_by(|a, b| {
        (&a.info.collectivite, &a.info.fichier).cmp(&(&b.info.collectivite, &b.info.fichier))
    });
    let mut diags: Vec<Diagnostic> = extracts
        .iter_mut()
        .flat_map(|e| std::mem::take(&mut e.diagnostics))
        .collect();
    duplicates(&mut extracts, s.priorite, &mut diags);
    outside(&mut extracts, s.ctg, &mut diags);
    let expected: Vec<(String, String)> = match s.ctg {
        Some(c) => {
            let mut v: Vec<(String, String)> = c
                .territoire
                .communes
                .iter()
                .map(|x| (x.insee.clone(), x.nom.clone()))
                .collect();
            v.sort();
            if let Some(e) = &c.territoire.epci {
                v.push((e.siren.clone(), e.nom.clone()));
            }
            v
        }
        None => Vec::new(),
    };
    let accepted_codes: BTreeSet<&str> = extracts
        .iter()
        .filter(|e| e.info.statut.accepted())
        .map(|e| e.info.collectivite.as_str())
        .collect();
    for (code, nom) in &expected {
        if !accepted_codes.contains(code.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::W201,
                    Location::default(),
                    format!("aucun retour accepté de {nom} ({code})"),
                )
                .value(code),
            );
        }
    }
    let mut entities: Vec<Entity> = ENTITIES
        .iter()
        .map(|(n, sh)| Entity {
            name: n,
            columns: sh.columns,
            rows: vec![],
        })
        .collect();
    for e in &mut extracts {
        let rows = std::mem::take(&mut e.rows);
        if !e.info.statut.accepted() {
            // Rows of a discarded return go to «Anomalies» with their values: errors for a
            // rejected return, information for one replaced by a later return (identity
            // records are not rows).
            let code = if e.info.statut == Statut::Remplace {
                Code::I137
            } else {
                Code::E126
            };
            for (_, r) in rows.into_iter().filter(|(_, r)| r.row > 0) {
                let raw: Vec<String> = r.values.iter().map(text_of).collect();
                diags.push(
                    Diagnostic::new(
                        code,
                        Location::cell(Some(&e.info.fichier), &r.sheet, format!("{}", r.row)),
                        if e.info.statut == Statut::Remplace {
                            "ligne non consolidée : le retour a été remplacé par un autre de la même collectivité (voir l'anomalie du fichier)".to_string()
                        } else {
                            format!("ligne non consolidée : {}", e.info.motif)
                        },
                    )
                    .value(raw.join(" | ")),
                );
            }
            continue;
        }
        for (t, r) in rows {
            entities[t].rows.push(r);
        }
    }
    let accepted: Vec<&Extract> = extracts
        .iter()
        .filter(|e| e.info.statut.accepted())
        .collect();
    cross_checks(&accepted, s.ctg, &entities, &mut diags);
    for ent in &mut entities {
        ent.rows
            .sort_by(|a, b| (&a.commune, &a.file, a.row).cmp(&(&b.commune, &b.file, b.row)));
    }
    kept_ctg_values(&accepted, s.ctg, &mut diags);
    let model = if s.model {
        // Each return's model is moved into the merge and freed there.
        let returned = extracts
            .iter_mut()
            .filter(|e| e.info.statut.accepted())
            .filter_map(|e| {
                Some((
                    e.info.collectivite.clone(),
                    e.model.take()?,
                    e.info.formulaire.clone(),
                ))
            })
            .collect();
        merge(returned, s.ctg)
    } else {
        Ctg::empty()
    };
    diagnostic::sort(&mut diags);
    Consolidation {
        files: extracts.into_iter().map(|e| e.info).collect(),
        diagnostics: diags,
        entities,
        model,
        expected,
    }
}

/// Two returns for one collectivité: identical bytes keep one; different ones keep the
/// `--priorite` file, else the one with the latest form date.
fn duplicates(extracts: &mut [Extract], priorite: Option<&Path>, diags: &mut Vec<Diagnostic>) {
    let mut by_code: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in extracts.iter().enumerate() {
        if e.info.statut.accepted() && !e.info.collectivite.is_empty() {
            by_code
                .entry(e.info.collectivite.clone())
                .or_default()
                .push(i);
        }
    }
    for (code, idx) in by_code.into_iter().filter(|(_, v)| v.len() > 1) {
        let prio = priorite.and_then(|p| {
            idx.iter().copied().find(|i| {
                let f = Path::new(&extracts[*i].info.fichier);
                f == p
                    || matches!((f.file_name(), p.file_name()),
                        (Some(x), Some(y)) if crate::io::same_name(x, y))
            })
        });
        // The one the partner saved last (document properties, else modification time);
        // on a tie, the first file by name.
        let keep = prio.unwrap_or_else(|| {
            *idx.iter()
                .max_by_key(|i| {
                    (
                        extracts[**i].info.date_enregistrement.clone(),
                        std::cmp::Reverse(extracts[**i].info.fichier.clone()),
                    )
                })
                .expect("non-empty")
        });
        let criterion = |f: &FileInfo| {
            let source = if f.source_date == "proprietes" {
                "enregistré le"
            } else {
                "modifié le"
            };
            format!("{source} {}", when_fr(&f.date_enregistrement))
        };
        let kept_when = criterion(&extracts[keep].info);
        for i in idx.into_iter().filter(|i| *i != keep) {
            let same = extracts[i].info.sha256 == extracts[keep].info.sha256;
            let this_when = criterion(&extracts[i].info);
            let tie =
                extracts[i].info.date_enregistrement == extracts[keep].info.date_enregistrement;
            let kept_name = extracts[keep].info.fichier.clone();
            let info = &mut extracts[i].info;
            let (code_rule, msg) = if same {
                (
                    Code::I202,
                    format!("copie identique de {kept_name} : une seule est retenue"),
                )
            } else {
                (
                    Code::W203,
                    if prio.is_some() {
                        format!(
                            "deuxième retour pour {code} ; celui retenu est {kept_name}, désigné par --priorite"
                        )
                    } else if tie {
                        format!(
                            "deuxième retour pour {code} ; les deux portent la même date ({kept_when}) : celui retenu est {kept_name}, le premier par ordre des noms (--priorite pour choisir)"
                        )
                    } else {
                        format!(
                            "deuxième retour pour {code} ; celui retenu est {kept_name}, le plus récent ({kept_when}, celui-ci {})",
                            this_when
                        )
                    },
                )
            };
            diags.push(
                Diagnostic::new(code_rule, Location::file(&info.fichier), msg.clone()).value(&code),
            );
            if !same {
                diags.push(
                    Diagnostic::new(
                        Code::W203,
                        Location::file(&kept_name),
                        format!(
                            "retenu parmi plusieurs retours pour {code} (écarté : {})",
                            info.fichier
                        ),
                    )
                    .value(&code),
                );
            }
            discard(info, Statut::Remplace, &msg);
        }
    }
}

/// «2026-12-02T01:15:44Z» as people read it: «2 décembre 2026 à 1 h 15 (heure UTC)»;
/// anything else as written.
fn when_fr(stamp: &str) -> String {
    use chrono::Timelike;
    match chrono::DateTime::parse_from_rfc3339(stamp) {
        Ok(t) => {
            let utc = t.with_timezone(&chrono::Utc);
            format!(
                "{} à {}\u{a0}h\u{a0}{:02} (heure UTC)",
                crate::fr::date(utc.date_naive()),
                utc.hour(),
                utc.minute()
            )
        }
        Err(_) => stamp.to_string(),
    }
}

/// A return whose rows do not enter the consolidation: rejected, or replaced by another.
fn discard(info: &mut FileInfo, statut: Statut, motif: &str) {
    info.statut = statut;
    info.motif = motif.to_string();
    info.lignes.rejected = info.lignes.read;
    info.lignes.kept = 0;
}

/// A return from a collectivité the CTG does not cover.
fn outside(extracts: &mut [Extract], ctg: Option<&Ctg>, diags: &mut Vec<Diagnostic>) {
    let Some(ctg) = ctg else { return };
    // Files whose validation already said so (same check as `valider --ctg`), found once:
    // a folder of returns from outside the CTG must not cost a scan of every diagnostic each.
    let said: BTreeSet<String> = diags
        .iter()
        .filter(|d| d.code == Code::E204)
        .filter_map(|d| d.location.file.clone())
        .collect();
    for e in extracts.iter_mut().filter(|e| e.info.statut.accepted()) {
        if ctg.collectivite_nom(&e.info.collectivite).is_none() {
            let msg = format!(
                "{} ({}) ne fait pas partie de la CTG {}",
                e.info.nom, e.info.collectivite, ctg.convention.id
            );
            if !said.contains(&e.info.fichier) {
                diags.push(
                    Diagnostic::new(Code::E204, Location::file(&e.info.fichier), msg.clone())
                        .value(&e.info.collectivite),
                );
            }
            discard(&mut e.info, Statut::Rejete, &msg);
        }
    }
}

/// The kept rows of a return, by entity sheet. Rejected rows are already diagnostics
/// (CTG-E126) with their raw values.
fn rows_of(report: &ReturnReport, info: &FileInfo) -> Vec<(usize, EntityRow)> {
    let Some(o) = &report.outcome else {
        return vec![];
    };
    let mut out = Vec::new();
    let (commune, file): (Arc<str>, Arc<str>) = (
        info.collectivite.as_str().into(),
        info.fichier.as_str().into(),
    );
    for s in &o.sheets {
        let Some(found) = &s.found else { continue };
        let found: Arc<str> = found.as_str().into();
        if s.sheet.is_record() {
            if o.layout.kind == "retour-commune" {
                let values: Vec<Cell> = s
                    .sheet
                    .columns
                    .iter()
                    .zip(&s.rows)
                    .map(|(c, r)| parsed(c, &r.cells[0]))
                    .collect();
                out.push((
                    0,
                    EntityRow {
                        commune: commune.clone(),
                        file: file.clone(),
                        sheet: found.clone(),
                        row: 0,
                        values,
                    },
                ));
            }
            continue;
        }
        let Some(t) = ENTITIES
            .iter()
            .position(|(_, sh)| !sh.is_record() && sh.name == s.sheet.name)
        else {
            continue;
        };
        for r in s.rows.iter().filter(|r| !r.rejected) {
            let values = s
                .sheet
                .columns
                .iter()
                .zip(&r.cells)
                .map(|(c, raw)| parsed(c, raw))
                .collect();
            out.push((
                t,
                EntityRow {
                    commune: commune.clone(),
                    file: file.clone(),
                    sheet: found.clone(),
                    row: r.source_row + 1,
                    values,
                },
            ));
        }
    }
    out
}

fn parsed(c: &Column, raw: &cells::Cell) -> Cell {
    match cells::parse(c.kind, raw) {
        Ok(p) => out_of(c.kind, &p.value),
        Err(_) => Cell::Text(raw.display()),
    }
}

fn text_of(o: &Cell) -> String {
    match o {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(n) | Cell::Date(n) => cells::fmt_number(*n),
        other => other.display(),
    }
}

fn col(columns: &[Column], field: &str) -> usize {
    columns
        .iter()
        .position(|c| c.field.ends_with(field))
        .expect("known column")
}

/// Checks across files: structures declared twice, transfers the EPCI does not confirm,
/// EPCI population, totals against the CTG's tables.
fn cross_checks(
    accepted: &[&Extract],
    ctg: Option<&Ctg>,
    entities: &[Entity],
    diags: &mut Vec<Diagnostic>,
) {
    // The same structure (normalised name and address) declared by two communes.
    let eq = &entities[2];
    let (cn, ca) = (col(eq.columns, "nom"), col(eq.columns, "adresse"));
    let mut seen: BTreeMap<(String, String), &EntityRow> = BTreeMap::new();
    for r in &eq.rows {
        let key = (
            normalize(&text_of(&r.values[cn])),
            normalize(&text_of(&r.values[ca])),
        );
        if key.0.is_empty() {
            continue;
        }
        match seen.get(&key) {
            Some(first) if first.commune != r.commune => diags.push(
                Diagnostic::new(
                    Code::W205,
                    Location::cell(Some(&r.file), &r.sheet, format!("{}", r.row)),
                    format!(
                        "« {} » est aussi déclarée par {} ({})",
                        text_of(&r.values[cn]),
                        first.commune,
                        first.file
                    ),
                )
                .value(text_of(&r.values[cn])),
            ),
            Some(_) => {}
            None => {
                seen.insert(key, r);
            }
        }
    }
    let communes: Vec<&crate::model::Commune> = accepted
        .iter()
        .filter(|e| e.info.formulaire == "retour-commune")
        .filter_map(|e| e.model.as_ref()?.territoire.communes.first())
        .collect();
    let epci = accepted
        .iter()
        .find(|e| e.info.formulaire == "retour-epci")
        .and_then(|e| Some((e, e.model.as_ref()?)));
    if let Some((e, o)) = epci {
        for c in &communes {
            let Some(view) = o.territoire.communes.iter().find(|x| x.insee == c.insee) else {
                continue;
            };
            for comp in CompetenceAo::all() {
                let (mine, theirs) = (c.competences.get(*comp), view.competences.get(*comp));
                if mine == theirs {
                    continue;
                }
                let code = match (mine == StatutAo::Transferee, theirs == StatutAo::Transferee) {
                    (true, false) => Code::W206,
                    (false, true) => Code::W207,
                    // «Exercée» on one side, «Non exercée» on the other.
                    _ => Code::W211,
                };
                let msg = format!(
                    "{} : « {} » {} selon la commune, {} selon l'EPCI",
                    c.nom,
                    comp.short(),
                    mine.label().to_lowercase(),
                    theirs.label().to_lowercase()
                );
                diags.push(
                    Diagnostic::new(code, Location::file(&e.info.fichier), msg).value(&c.insee),
                );
            }
        }
        let transferring: Vec<&&crate::model::Commune> = communes
            .iter()
            .filter(|c| {
                CompetenceAo::all()
                    .iter()
                    .any(|k| c.competences.get(*k) == StatutAo::Transferee)
            })
            .collect();
        let sum: Option<u32> = transferring.iter().map(|c| c.population_totale).sum();
        if let (Some(declared), Some(sum)) = (
            o.territoire.epci.as_ref().and_then(|x| x.population_totale),
            sum,
        ) && !transferring.is_empty()
            && transferring.len() == o.territoire.communes.len()
            && declared != sum
        {
            diags.push(Diagnostic::new(Code::W208, Location::file(&e.info.fichier), format!("population totale de l'EPCI déclarée {declared}, somme des communes qui lui ont transféré des compétences {sum}")).value(declared));
        }
    }
    if let Some(ctg) = ctg {
        totals_against_ctg(ctg, entities, diags);
    }
}

/// Projected values per AO, mode and year against the CTG's own projection tables.
fn totals_against_ctg(ctg: &Ctg, entities: &[Entity], diags: &mut Vec<Diagnostic>) {
    let years = &entities[4];
    let (ca, cm, cy, cv) = (
        col(years.columns, "ao"),
        col(years.columns, "mode"),
        col(years.columns, "annee"),
        col(years.columns, "valeur"),
    );
    let mut returned: BTreeMap<(String, String, String), (f64, String)> = BTreeMap::new();
    for r in &years.rows {
        let key = (
            text_of(&r.values[ca]),
            text_of(&r.values[cm]),
            text_of(&r.values[cy]),
        );
        let v = match r.values[cv] {
            Cell::Number(n) => n,
            _ => continue,
        };
        let e = returned.entry(key).or_insert((0.0, r.file.to_string()));
        e.0 += v;
    }
    for p in &ctg.projections {
        for l in &p.lignes {
            for a in &l.annees {
                let key = (
                    p.ao.clone(),
                    l.mode.label().to_string(),
                    a.annee.to_string(),
                );
                if let Some((v, file)) = returned.get(&key)
                    && (v - a.valeur).abs() > 1e-9
                {
                    diags.push(
                        Diagnostic::new(
                            Code::W209,
                            Location::file(file),
                            format!(
                                "{} {} {} : {} dans les retours, {} dans la CTG",
                                p.ao,
                                l.mode.label(),
                                a.annee,
                                cells::fmt_number(*v),
                                cells::fmt_number(a.valeur)
                            ),
                        )
                        .value(cells::fmt_number(*v)),
                    );
                }
            }
        }
    }
}

/// A value of the CTG that a rejected row would have changed stays; the warning names both.
fn kept_ctg_values(accepted: &[&Extract], ctg: Option<&Ctg>, diags: &mut Vec<Diagnostic>) {
    let Some(ctg) = ctg else { return };
    for e in accepted {
        for r in &e.rejected_values {
            // The raw cell, matched as the reader matches it.
            let mode = match crate::referentials::ModeAccueil::match_label(&r.mode) {
                crate::referentials::Match::Exact(m) | crate::referentials::Match::Close(m) => m,
                _ => continue,
            };
            let value = ctg
                .projections
                .iter()
                .filter(|p| p.ao == r.ao && p.zone.trim() == r.zone)
                .flat_map(|p| &p.lignes)
                .filter(|l| l.mode == mode)
                .flat_map(|l| &l.annees)
                .find(|a| a.annee == r.annee);
            if let Some(v) = value {
                let nom = ctg.collectivite_nom(&r.ao).unwrap_or(&r.ao);
                diags.push(
                    Diagnostic::new(
                        Code::W210,
                        Location::cell(Some(&e.info.fichier), &r.feuille, r.ligne.to_string()),
                        format!(
                            "{nom}, {} {} : la valeur de la CTG ({}) est conservée, le retour proposait « {} » sur une ligne rejetée",
                            mode.label(),
                            r.annee,
                            crate::fr::number(v.valeur),
                            r.brut
                        ),
                    )
                    .value(&r.brut),
                );
            }
        }
    }
}

/// The consolidated model: the CTG (when given) updated with each accepted return, or the
/// returns alone. Linear in the number of returns (indexes, no repeated scans).
fn merge(returned: Vec<(String, Ctg, String)>, ctg: Option<&Ctg>) -> Ctg {
    let mut m = ctg.cloned().unwrap_or_else(Ctg::empty);
    let codes: BTreeSet<&str> = returned.iter().map(|(c, _, _)| c.as_str()).collect();
    let mut commune_at: BTreeMap<String, usize> = m
        .territoire
        .communes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.insee.clone(), i))
        .collect();
    m.equipements
        .retain(|x| !codes.contains(x.collectivite.as_str()));

    let mut suivi_at: BTreeMap<(String, String, String), usize> = m
        .suivi
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                (s.fiche.clone(), s.trimestre.clone(), s.collectivite.clone()),
                i,
            )
        })
        .collect();
    // The first projection of each (AO, zone), as a scan from the start would find it.
    let mut projection_at: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, p) in m.projections.iter().enumerate() {
        projection_at
            .entry((p.ao.clone(), p.zone.clone()))
            .or_insert(i);
    }
    for (_, mut r, kind) in returned {
        match kind.as_str() {
            "retour-commune" => {
                if let Some(c) = r.territoire.communes.first() {
                    match commune_at.get(&c.insee) {
                        Some(&i) => {
                            let x = &mut m.territoire.communes[i];
                            x.population_municipale =
                                c.population_municipale.or(x.population_municipale);
                            x.population_totale = c.population_totale.or(x.population_totale);
                            x.competences = c.competences.clone();
                        }
                        None => {
                            commune_at.insert(c.insee.clone(), m.territoire.communes.len());
                            m.territoire.communes.push(c.clone());
                        }
                    }
                }
            }
            "retour-epci" => {
                if let Some(ep) = &r.territoire.epci {
                    let x = m.territoire.epci.get_or_insert_with(|| ep.clone());
                    x.population_municipale = ep.population_municipale.or(x.population_municipale);
                    x.population_totale = ep.population_totale.or(x.population_totale);
                }
            }
            _ => continue,
        }
        m.equipements.append(&mut r.equipements);
        merge_projections(
            &mut m.projections,
            &mut projection_at,
            std::mem::take(&mut r.projections),
        );
        for s in std::mem::take(&mut r.suivi) {
            let key = (s.fiche.clone(), s.trimestre.clone(), s.collectivite.clone());
            match suivi_at.get(&key) {
                Some(&i) => m.suivi[i] = s,
                None => {
                    suivi_at.insert(key, m.suivi.len());
                    m.suivi.push(s);
                }
            }
        }
    }
    m
}

/// A return's projections into the CTG's, value by value: a year the return does not give
/// (its row was rejected, or left out) keeps the CTG's value; what the return gives wins.
/// `at` indexes `into` by (AO, zone): a national run merges tens of thousands of returns,
/// and a scan of the projections merged so far for each one made the merge quadratic.
fn merge_projections(
    into: &mut Vec<crate::model::Projection>,
    at: &mut BTreeMap<(String, String), usize>,
    returned: Vec<crate::model::Projection>,
) {
    for rp in returned {
        let key = (rp.ao.clone(), rp.zone.clone());
        let Some(&i) = at.get(&key) else {
            at.insert(key, into.len());
            into.push(rp);
            continue;
        };
        let mp = &mut into[i];
        for rl in rp.lignes {
            let Some(ml) = mp.lignes.iter_mut().find(|l| l.mode == rl.mode) else {
                mp.lignes.push(rl);
                continue;
            };
            ml.actuel = rl.actuel.or(ml.actuel);
            ml.emplois = rl.emplois;
            ml.autres_besoins = rl.autres_besoins;
            ml.investissements = rl.investissements;
            for a in rl.annees {
                match ml.annees.iter_mut().find(|x| x.annee == a.annee) {
                    Some(x) => x.valeur = a.valeur,
                    None => ml.annees.push(a),
                }
            }
            ml.annees.sort_by_key(|a| a.annee);
        }
    }
}

impl Consolidation {
    /// Rows of every file: read, kept, rejected, not read.
    pub fn rows(&self) -> crate::workbook::read::Counts {
        self.files
            .iter()
            .fold(crate::workbook::read::Counts::default(), |mut acc, f| {
                acc.read += f.lignes.read;
                acc.kept += f.lignes.kept;
                acc.rejected += f.lignes.rejected;
                acc.not_read += f.lignes.not_read;
                acc
            })
    }

    /// The `resultat` of the JSON report (docs/rapport-json.md), for the outputs named.
    pub fn resultat(&self, sortie: &str, modele: Option<&str>) -> serde_json::Value {
        serde_json::json!({
            "sortie": sortie,
            "modele": modele,
            "collectivites_attendues": self.expected.len(),
            "retours_acceptes": self.received().len(),
            "lignes": self.rows(),
        })
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Codes with an accepted return.
    pub fn received(&self) -> BTreeSet<&str> {
        self.files
            .iter()
            .filter(|f| f.statut.accepted())
            .map(|f| f.collectivite.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_merge_by_ao_and_zone_keeping_the_order() {
        use crate::model::{LigneProjection, Projection};
        let proj = |ao: &str, zone: &str, actuel: f64| Projection {
            ao: ao.into(),
            zone: zone.into(),
            lignes: vec![LigneProjection {
                actuel: Some(actuel),
                ..Default::default()
            }],
        };
        let returned = |p: Vec<Projection>| {
            let mut m = Ctg::empty();
            m.projections = p;
            m
        };
        let mut ctg = Ctg::empty();
        ctg.projections = vec![proj("01001", "", 1.0), proj("01002", "QPV", 2.0)];
        let m = merge(
            vec![
                (
                    "01002".into(),
                    returned(vec![proj("01002", "QPV", 5.0), proj("01002", "", 6.0)]),
                    "retour-commune".into(),
                ),
                (
                    "01003".into(),
                    returned(vec![proj("01003", "", 7.0), proj("01003", "", 8.0)]),
                    "retour-commune".into(),
                ),
            ],
            Some(&ctg),
        );
        let got: Vec<(&str, &str, Option<f64>)> = m
            .projections
            .iter()
            .map(|p| (p.ao.as_str(), p.zone.as_str(), p.lignes[0].actuel))
            .collect();
        // The CTG's tables in place, a table returned again replaced value by value, new
        // tables after them in the order read; a table given twice by one return: the last
        // values win, in the first table's place.
        assert_eq!(
            got,
            vec![
                ("01001", "", Some(1.0)),
                ("01002", "QPV", Some(5.0)),
                ("01002", "", Some(6.0)),
                ("01003", "", Some(8.0)),
            ]
        );
        assert_eq!(m.projections.len(), 4);
    }

    #[test]
    fn a_digest_given_by_the_page_is_kept_only_when_it_is_one() {
        let g = crate::returns::exemple::returns(1, 3, 0.0)
            .unwrap()
            .remove(0);
        let own = crate::container::hex(&Sha256::digest(&g.bytes));
        let read = |given: &str| {
            extract_bytes_hashed(
                &g.file_name,
                &g.bytes,
                given,
                "",
                None,
                Basis::Totale,
                false,
            )
            .info
            .sha256
        };
        assert_eq!(read(""), own);
        assert_eq!(read(&own), own);
        // The browser's digest is taken as given (it is the same function of the same bytes).
        let other = "ab".repeat(32);
        assert_eq!(read(&other), other);
        // Anything else is not a digest: computed here.
        for bad in [
            "AB".repeat(32),
            "ab".repeat(31),
            format!("{}zz", "ab".repeat(31)),
        ] {
            assert_eq!(read(&bad), own, "{bad}");
        }
    }
}
