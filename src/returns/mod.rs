//! `ctg valider`: every check of a partner's return, located at its cell, and the annotated
//! copy the Caf can send back. The partner's file is only read.

pub mod annotate;
pub mod exemple;
pub mod forms;

use crate::codes::Code;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::ao::Basis;
use crate::diagnostic::{self, Counts, Diagnostic, Location, Severity};
use crate::model::Ctg;
use crate::workbook::cells::Cell;
use crate::workbook::read::{self, Counts as RowCounts, Outcome};
use crate::workbook::write::{self, Annotation, Options};

/// Domain rules that concern what a return holds (the others need the whole CTG).
const RETURN_RULES: &[Code] = &[
    Code::E010,
    Code::E011,
    Code::E012,
    Code::W018,
    Code::I016,
    Code::E020,
    Code::E021,
    Code::E022,
    Code::E023,
    Code::W025,
    Code::W026,
    Code::E037,
    Code::E038,
    Code::E039,
    Code::E040,
    Code::E041,
    Code::E042,
    Code::E043,
    Code::E044,
    Code::E045,
    Code::W046,
];

/// The verdict on one return.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct ReturnReport {
    pub file: String,
    /// Form kind (`retour-commune`…), empty when unreadable.
    pub kind: String,
    /// INSEE code or SIREN the form was issued for.
    pub collectivite: String,
    pub nom: String,
    pub diagnostics: Vec<Diagnostic>,
    pub counts: Counts,
    pub rows: RowCounts,
    /// The file was read as a workbook (kept when `outcome` is dropped, e.g. after a worker).
    pub read: bool,
    /// Not a return to read (a workbook ctg wrote, a lock file…): see its `CTG-I134`.
    #[serde(default)]
    pub ignored: bool,
    #[serde(skip)]
    pub outcome: Option<Outcome>,
}

impl ReturnReport {
    /// The report of a file that could not be read at all: its one diagnostic.
    pub fn failed(file: &str, d: Diagnostic) -> Self {
        let d0_ignored = d.code == Code::I134;
        let diagnostics = vec![d];
        ReturnReport {
            file: file.into(),
            kind: String::new(),
            collectivite: String::new(),
            nom: String::new(),
            counts: Counts::of(&diagnostics),
            diagnostics,
            rows: RowCounts::default(),
            read: false,
            ignored: d0_ignored,
            outcome: None,
        }
    }

    /// The report of a file the system refused to open.
    pub fn unreadable(file: &str, e: &std::io::Error) -> Self {
        Self::failed(
            file,
            Diagnostic::new(
                Code::E100,
                Location::file(file),
                format!(
                    "impossible de lire le fichier : {}",
                    crate::error::io_message(e)
                ),
            ),
        )
    }

    pub fn readable(&self) -> bool {
        self.read
    }

    /// The file's entry in the JSON report.
    pub fn entry(&self) -> crate::report::FichierRetour {
        crate::report::FichierRetour {
            fichier: self.file.clone(),
            formulaire: self.kind.clone(),
            collectivite: self.collectivite.clone(),
            nom: self.nom.clone(),
            statut: if self.ignored {
                crate::report::Statut::Ignore
            } else if self.readable() {
                crate::report::Statut::of_counts(&self.counts)
            } else {
                crate::report::Statut::Rejete
            },
            lignes: self.rows.clone(),
            compteurs: self.counts,
        }
    }
}

/// Validates a return. `ctg` (the CTG it belongs to) is optional: the form carries the
/// period and the fiche ids in its meta sheet.
pub fn validate(bytes: &[u8], file: &str, ctg: Option<&Ctg>, basis: Basis) -> ReturnReport {
    // Recognised and audited once: every reader below takes the audited package.
    let (sniffed, package) = crate::container::sniff_package(bytes);
    if package.as_ref().is_some_and(annotate::untouched_copy) {
        return ReturnReport::failed(
            file,
            Diagnostic::new(
                Code::I134,
                Location::file(file),
                "copie annotée écrite par ctg et non modifiée depuis : ce n'est pas un retour, elle est ignorée",
            ),
        );
    }
    let outcome = match read::read_in(sniffed, package.as_ref(), bytes, file, None) {
        Ok(o) => o,
        Err(d) => return ReturnReport::failed(file, d),
    };
    let mut diags = outcome.diagnostics.clone();
    let (code, nom) = identify(&outcome, file, &mut diags);
    identity(&outcome, file, &code, &mut diags);
    // The same membership check as `consolider --ctg`.
    if let Some(c) = ctg
        && !code.is_empty()
        && outcome.layout.kind != "ctg-complet"
        && c.collectivite_nom(&code).is_none()
    {
        diags.push(
            Diagnostic::new(
                Code::E204,
                Location::file(file),
                format!(
                    "{nom} ({code}) ne fait pas partie de la CTG {}",
                    c.convention.id
                ),
            )
            .value(&code),
        );
    }
    let full = outcome.layout.kind == "ctg-complet";
    let model = if full {
        outcome.model.clone()
    } else {
        context_model(&outcome, ctg)
    };
    let report = crate::rules::verify(&model, basis);
    let own = if full {
        Vec::new()
    } else {
        suivi_collectivites(&outcome, ctg, &code)
    };
    let mut outcome = outcome;
    let mut error_pointers: Vec<String> = Vec::new();
    let rules = report
        .diagnostics
        .into_iter()
        .filter(|d| full || RETURN_RULES.contains(&d.code));
    for mut d in rules.chain(own) {
        if d.code == Code::E037 && model.fiches.is_empty() {
            continue;
        }
        let pointer = d.location.pointer.clone().unwrap_or_default();
        if d.severity == Severity::Error && !full {
            error_pointers.push(pointer.clone());
        }
        if let Some(loc) = outcome.locate(file, &pointer) {
            if let Some(raw) = raw_at(&outcome, &loc) {
                d.value = Some(raw).filter(|v| !v.is_empty()).or(d.value);
            }
            d.location = loc;
        } else if !full {
            continue; // About data the return does not hold.
        } else {
            d.location = d.location.with_file(file);
        }
        diags.push(d);
    }
    set_aside(&mut outcome, file, &error_pointers, &mut diags);
    diagnostic::sort(&mut diags);
    diags.dedup_by(|a, b| a.code == b.code && a.location == b.location && a.message == b.message);
    ReturnReport {
        file: file.into(),
        kind: outcome.layout.kind.into(),
        collectivite: code,
        nom,
        counts: Counts::of(&diags),
        diagnostics: diags,
        rows: outcome.counts.clone(),
        read: true,
        ignored: false,
        outcome: Some(outcome),
    }
}

/// `CTG-E047` for a return: each follow-up row is given in the name of a collectivité of the
/// CTG (when the CTG is known), or else of the return's own collectivité or of a commune or an
/// EPCI that exists. (The model rule checks against the model's territory, which in a return
/// is the collectivité that fills it in.)
fn suivi_collectivites(o: &Outcome, ctg: Option<&Ctg>, own: &str) -> Vec<Diagnostic> {
    let r = crate::territory::referentiel();
    let mut out = Vec::new();
    for (i, s) in o.model.suivi.iter().enumerate() {
        let code = s.collectivite.trim();
        if code.is_empty() {
            continue;
        }
        let whose = match ctg {
            Some(c) if c.collectivite_nom(code).is_none() => {
                format!(
                    "qui n'est ni une commune ni l'EPCI de la CTG {}",
                    c.convention.id
                )
            }
            Some(_) => continue,
            None if code == own || r.commune(code).is_some() || r.epci(code).is_some() => continue,
            None => "qui n'est ni une commune ni un EPCI existant".to_string(),
        };
        out.push(
            Diagnostic::new(
                Code::E047,
                Location::pointer(format!("/suivi/{i}/collectivite")),
                format!(
                    "le suivi de la fiche {} ({}) est renseigné au nom de « {code} », {whose}",
                    s.fiche, s.trimestre
                ),
            )
            .value(code),
        );
    }
    out
}

/// One error policy: a table row that a domain rule finds in error (a year outside the
/// period, 120 % of progress, an unknown fiche…) is rejected like a row that could not be
/// read: it leaves the return's model (so it enters neither the consolidated model nor the
/// «Synthèse»), and stays, raw, in the anomalies (`CTG-E126`). Rows that hang from it go with it.
fn set_aside(o: &mut Outcome, file: &str, error_pointers: &[String], diags: &mut Vec<Diagnostic>) {
    if error_pointers.is_empty() {
        return;
    }
    // Each error takes out the most specific row that holds it: a wrong year in «Projections
    // par année» takes out that year's row, not the mode's whole line of «Projections».
    let mut owners: Vec<(usize, usize)> = Vec::new();
    for e in error_pointers {
        let mut best: Option<((usize, usize), usize)> = None;
        for (si, s) in o.sheets.iter().enumerate() {
            if s.sheet.is_record() || s.found.is_none() {
                continue;
            }
            for (ri, row) in s.rows.iter().enumerate().filter(|(_, r)| !r.rejected) {
                let Some(p) = &row.pointer else { continue };
                if (e == p || e.starts_with(&format!("{p}/")))
                    && best.is_none_or(|(_, len)| p.len() > len)
                {
                    best = Some(((si, ri), p.len()));
                }
            }
        }
        if let Some((at, _)) = best
            && !owners.contains(&at)
        {
            owners.push(at);
        }
    }
    owners.sort();
    let mut removed: Vec<(String, String, u32)> = Vec::new();
    for (si, ri) in owners {
        let s = &mut o.sheets[si];
        let name = s.found.clone().unwrap_or_default();
        let row = &mut s.rows[ri];
        let Some(p) = row.pointer.clone() else {
            continue;
        };
        row.rejected = true;
        o.counts.kept -= 1;
        o.counts.rejected += 1;
        let raw: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
        diags.push(
            Diagnostic::new(
                Code::E126,
                Location::cell(Some(file), &name, format!("{}", row.source_row + 1)),
                format!(
                    "ligne {} de « {} » écartée : elle contient une erreur (voir ses anomalies)",
                    row.source_row + 1,
                    name
                ),
            )
            .value(raw.join(" | ")),
        );
        removed.push((p, name, row.source_row + 1));
    }
    // Rows hanging from a removed element go with it, each said.
    for s in o.sheets.iter_mut().filter(|s| !s.sheet.is_record()) {
        let Some(name) = s.found.clone() else {
            continue;
        };
        for row in s.rows.iter_mut().filter(|r| !r.rejected) {
            let Some(p) = &row.pointer else { continue };
            let Some((_, parent_sheet, parent_row)) = removed
                .iter()
                .find(|(r, _, _)| p.starts_with(&format!("{r}/")))
            else {
                continue;
            };
            row.rejected = true;
            o.counts.kept -= 1;
            o.counts.rejected += 1;
            let raw: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
            diags.push(
                Diagnostic::new(
                    Code::W119,
                    Location::cell(Some(file), &name, format!("{}", row.source_row + 1)),
                    format!(
                        "ligne {} de « {name} » non retenue : elle dépend de la ligne {parent_row} de « {parent_sheet} », écartée",
                        row.source_row + 1
                    ),
                )
                .value(raw.join(" | ")),
            );
        }
    }
    let removed: Vec<String> = removed.into_iter().map(|(p, _, _)| p).collect();
    // Remove from the model, last index first so the others stay valid.
    let Ok(mut v) = serde_json::to_value(&o.model) else {
        return;
    };
    let mut sorted = removed;
    sorted.sort_by_key(|p| std::cmp::Reverse(index_key(p)));
    sorted.dedup();
    for p in sorted {
        if let Some((parent, idx)) = p.rsplit_once('/')
            && let Ok(i) = idx.parse::<usize>()
            && let Some(serde_json::Value::Array(a)) = v.pointer_mut(parent)
            && i < a.len()
        {
            a.remove(i);
        }
    }
    if let Ok(m) = serde_json::from_value(v) {
        o.model = m;
    }
}

/// Orders pointers so that removing in that order never shifts a later one: by their path
/// with numbers compared as numbers.
fn index_key(p: &str) -> Vec<(String, usize)> {
    p.split('/')
        .map(|s| match s.parse::<usize>() {
            Ok(n) => (String::new(), n),
            Err(_) => (s.to_string(), 0),
        })
        .collect()
}

/// Which collectivité a return is from, one way for `valider` and `consolider`: the form's
/// `_meta`, else (the sheet was deleted) the «Identité» sheet, with a warning.
fn identify(o: &Outcome, file: &str, diags: &mut Vec<Diagnostic>) -> (String, String) {
    if !o.meta.code.is_empty() {
        return (o.meta.code.clone(), o.meta.nom.clone());
    }
    match typed_identity(o).filter(|t| !t.code.is_empty()) {
        Some(t) => {
            diags.push(
                Diagnostic::new(
                    Code::W118,
                    Location::file(file),
                    format!(
                        "feuille « _meta » absente : le retour est attribué à {} ({}) d'après la feuille « Identité »",
                        t.nom, t.code
                    ),
                )
                .value(&t.code),
            );
            (t.code, t.nom)
        }
        None => (String::new(), String::new()),
    }
}

/// What the «Identité» sheet of a return says: code, name, and where the code is.
struct Typed {
    code: String,
    nom: String,
    pointer: &'static str,
}

fn typed_identity(o: &Outcome) -> Option<Typed> {
    match o.layout.kind {
        "retour-commune" => o.model.territoire.communes.first().map(|c| Typed {
            code: c.insee.clone(),
            nom: c.nom.clone(),
            pointer: "/territoire/communes/0/insee",
        }),
        "retour-epci" => o.model.territoire.epci.as_ref().map(|e| Typed {
            code: e.siren.clone(),
            nom: e.nom.clone(),
            pointer: "/territoire/epci/siren",
        }),
        _ => None,
    }
}

/// The form was issued for one collectivité: the code typed in «Identité» must be it.
fn identity(o: &Outcome, file: &str, code: &str, diags: &mut Vec<Diagnostic>) {
    if let Some(t) = typed_identity(o)
        && !code.is_empty()
        && t.code != code
    {
        let loc = o
            .locate(file, t.pointer)
            .unwrap_or_else(|| Location::file(file));
        diags.push(
            Diagnostic::new(
                Code::E121,
                loc,
                format!(
                    "le formulaire a été émis pour {code}, la feuille Identité indique {}",
                    t.code
                ),
            )
            .value(t.code),
        );
    }
}

/// The return's data with what the rules need from the CTG: its period and fiches (from the
/// CTG file when given, else from the form's meta sheet).
fn context_model(o: &Outcome, ctg: Option<&Ctg>) -> Ctg {
    let mut m = o.model.clone();
    match ctg {
        Some(c) => {
            m.convention.periode = c.convention.periode.clone();
            m.fiches = c.fiches.clone();
            m.axes = c.axes.clone();
        }
        None => {
            m.convention.periode.debut = o.meta.debut.parse().ok();
            m.convention.periode.fin = o.meta.fin.parse().ok();
            if let Some(ids) = Some(&o.meta.fiches).filter(|s| !s.is_empty()) {
                m.fiches = ids
                    .split(',')
                    .map(|id| crate::model::FicheAction {
                        id: id.into(),
                        ..Default::default()
                    })
                    .collect();
            }
        }
    }
    m
}

/// The partner's raw value at a located cell.
fn raw_at(o: &Outcome, loc: &Location) -> Option<String> {
    let (sheet, cell) = (loc.sheet.as_deref()?, loc.cell.as_deref()?);
    for s in &o.sheets {
        if s.found.as_deref() != Some(sheet) {
            continue;
        }
        for r in &s.rows {
            for (i, c) in r.source_cols.iter().enumerate() {
                if let Some(c) = c
                    && write::cell_name(r.source_row, *c as u16) == cell
                {
                    return Some(r.cells[i].display());
                }
            }
        }
    }
    None
}

/// Where an annotated copy was written, and why it is not the partner's file itself when it
/// had to be rebuilt from the form (an `.xls`, a package that could not be edited).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Written {
    pub path: std::path::PathBuf,
    pub note: Option<String>,
}

/// The annotated copy of a validated return, as bytes, with its extension and, when it was
/// rebuilt from the form, why.
pub fn annotated_copy(
    report: &ReturnReport,
    original: &[u8],
) -> crate::Result<(Vec<u8>, &'static str, Option<String>)> {
    let o = report.outcome.as_ref().ok_or_else(|| {
        crate::Error::Invalid(format!(
            "{} est illisible : pas de copie annotée possible",
            report.file
        ))
    })?;
    use crate::container::Format;
    let why = match annotate::annotate(original, o.format, &report.diagnostics) {
        Ok(bytes) => {
            let ext = match o.format {
                Format::Ods => "ods",
                _ if annotate::macro_enabled(&bytes) => "xlsm",
                _ => "xlsx",
            };
            return Ok((bytes, ext, None));
        }
        Err(why) => why,
    };
    let rebuilt = rebuilt_copy(report)?;
    let bytes = annotate::mark(&rebuilt, Format::Xlsx).map_err(crate::Error::Invalid)?;
    let note = match o.format {
        Format::Xls | Format::Xlsb => format!(
            "le fichier reçu est un {} : la copie annotée est un classeur .xlsx refait à partir du formulaire",
            o.format.label()
        ),
        _ => format!(
            "la copie annotée a été refaite à partir du formulaire ({why}) : notes et mises en forme du partenaire non reprises"
        ),
    };
    Ok((bytes, "xlsx", Some(note)))
}

/// Writes the annotated copy at `out`, its extension set by the copy's format.
pub fn write_annotated(
    report: &ReturnReport,
    original: &[u8],
    out: &std::path::Path,
    force: bool,
) -> crate::Result<Written> {
    let (bytes, ext, note) = annotated_copy(report, original)?;
    let path = out.with_extension(ext);
    if path != out {
        crate::io::check_new(&path, force)?;
    }
    crate::io::write_atomic(&path, &bytes)?;
    Ok(Written { path, note })
}

/// The copy rebuilt from the layout with the partner's values, each faulty cell coloured
/// with a note, and an «Anomalies» sheet linking to every cell.
fn rebuilt_copy(report: &ReturnReport) -> crate::Result<Vec<u8>> {
    let o = report.outcome.as_ref().ok_or_else(|| {
        crate::Error::Invalid(format!(
            "{} est illisible : pas de copie annotée possible",
            report.file
        ))
    })?;
    let mut data = Vec::new();
    // (partner sheet, partner cell) → (layout sheet, row, col) in the copy.
    let mut place: BTreeMap<(String, String), (String, u32, u16)> = BTreeMap::new();
    for s in &o.sheets {
        let found = s.found.clone().unwrap_or_default();
        if s.sheet.is_record() {
            let row: Vec<Cell> = s.rows.iter().map(|r| r.cells[0].writable()).collect();
            for (i, r) in s.rows.iter().enumerate() {
                if let Some(c) = r.source_cols[0] {
                    place.insert(
                        (found.clone(), write::cell_name(r.source_row, c as u16)),
                        (s.sheet.name.into(), i as u32 + 1, 1),
                    );
                }
            }
            data.push(vec![row]);
        } else {
            let mut rows = Vec::new();
            for (ri, r) in s.rows.iter().enumerate() {
                rows.push(r.cells.iter().map(Cell::writable).collect());
                for (ci, c) in r.source_cols.iter().enumerate() {
                    if let Some(c) = c {
                        place.insert(
                            (found.clone(), write::cell_name(r.source_row, *c as u16)),
                            (s.sheet.name.into(), ri as u32 + 1, ci as u16),
                        );
                    }
                }
                place
                    .entry((found.clone(), format!("{}", r.source_row + 1)))
                    .or_insert((s.sheet.name.into(), ri as u32 + 1, 0));
            }
            data.push(rows);
        }
    }
    let annotations: Vec<Annotation> = report
        .diagnostics
        .iter()
        .map(|d| {
            let key = (
                d.location.sheet.clone().unwrap_or_default(),
                d.location.cell.clone().unwrap_or_default(),
            );
            let (sheet, row, col, placed) = match place.get(&key) {
                Some((s, r, c)) => (s.clone(), *r, *c, true),
                None => (key.0.clone(), 0, 0, false),
            };
            Annotation {
                sheet,
                row,
                col,
                placed,
                location: d.location.to_string(),
                code: d.code.as_str().into(),
                severity: d.severity,
                message: d.message.clone(),
                value: d.value.clone().unwrap_or_default(),
            }
        })
        .collect();
    write::write(
        o.layout,
        &data,
        &Options {
            meta: Some(&o.meta),
            protect: false,
            annotations: &annotations,
        },
    )
}

/// Severity counts over several reports.
pub fn total(reports: &[ReturnReport]) -> Counts {
    let all: Vec<Diagnostic> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().cloned())
        .collect();
    Counts::of(&all)
}

pub fn has_errors(r: &ReturnReport) -> bool {
    r.diagnostics.iter().any(|d| d.severity == Severity::Error)
}
