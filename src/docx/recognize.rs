//! Recognising, in any order and number, the tables of a Word CTG: fiches-action in both
//! layouts (label/value rows after a «Points forts | Points faibles» table, or the Caf
//! model grid of labelled cells), the AO competence table and the Annexe 2 tables.
//! Whatever a recognised table holds without a field goes to the fiche's `autres`.

use serde::Serialize;

use super::read::{Block, CellW, Table};
use crate::model::{
    Axe, Commune, Ctg, Echeance, Equipement, FicheAction, Indicateur, Rubrique, Specificite,
};
use crate::referentials::{
    Disposition, Match, ObjectifCaf, Referential, StatutAo, TypeStructure, normalize,
};
use crate::territory::{Found, referentiel};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Pilote,
    Description,
    DiagnosticInitial,
    PublicCible,
    Objectifs,
    Modalites,
    Outils,
    Services,
    Partenaires,
    Resultats,
    Indicateurs,
    Echeancier,
    Specificites,
    Collectivites,
    PointsForts,
    PointsFaibles,
}

/// Labels and their synonyms (normalised), longest first where one is a prefix of another.
const LABELS: &[(&str, Field)] = &[
    ("pilote du projet", Field::Pilote),
    ("pilote de l action", Field::Pilote),
    ("porteur du projet", Field::Pilote),
    ("porteur de l action", Field::Pilote),
    ("pilote", Field::Pilote),
    ("porteur", Field::Pilote),
    ("referent", Field::Pilote),
    ("description de l action", Field::Description),
    ("description", Field::Description),
    ("diagnostic initial", Field::DiagnosticInitial),
    ("public cible", Field::PublicCible),
    ("publics cibles", Field::PublicCible),
    ("objectifs operationnels", Field::Objectifs),
    ("modalites de mise en oeuvre", Field::Modalites),
    ("principaux outils dispositifs mobilisables", Field::Outils),
    ("outils et dispositifs mobilisables", Field::Outils),
    ("outils dispositifs", Field::Outils),
    (
        "services mobilises et responsables de l action",
        Field::Services,
    ),
    ("services mobilises", Field::Services),
    ("principaux acteurs concernes", Field::Partenaires),
    ("partenaires sollicites", Field::Partenaires),
    ("acteurs concernes", Field::Partenaires),
    ("partenaires", Field::Partenaires),
    ("resultats attendus", Field::Resultats),
    ("suivi indicateurs d evaluation", Field::Indicateurs),
    ("indicateurs d evaluation", Field::Indicateurs),
    ("indicateurs de suivi", Field::Indicateurs),
    ("indicateurs", Field::Indicateurs),
    ("echeances de realisation", Field::Echeancier),
    ("echeancier", Field::Echeancier),
    ("echeances", Field::Echeancier),
    ("calendrier", Field::Echeancier),
    (
        "specificites par autorite organisatrice signataire",
        Field::Specificites,
    ),
    ("collectivites concernees", Field::Collectivites),
    ("points forts", Field::PointsForts),
    ("points faibles", Field::PointsFaibles),
];

/// The field a label names, if any («Pilote du Projet», «Échéances de réalisation :»).
pub fn field_of(label: &str) -> Option<Field> {
    let n = normalize(label);
    if n.is_empty() || n.len() > 80 {
        return None;
    }
    LABELS
        .iter()
        .find(|(k, _)| n == *k || n.starts_with(&format!("{k} ")))
        .map(|(_, f)| *f)
}

/// «2026 : …», «2027-2028 : …», «2027 - 2030 : …», «2026-2030», «À partir de 2029 : …»,
/// several entries in one cell: start year, end year and milestone.
pub fn parse_echeances(text: &str) -> Vec<Echeance> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for part in split_entries(line) {
            out.push(parse_one(&part));
        }
    }
    out
}

fn year_at(s: &[char], i: usize) -> Option<i32> {
    if i + 4 <= s.len()
        && s[i..i + 4].iter().all(|c| c.is_ascii_digit())
        && (i + 4 == s.len() || !s[i + 4].is_ascii_digit())
        && (i == 0 || !s[i - 1].is_ascii_digit())
    {
        let y: String = s[i..i + 4].iter().collect();
        y.parse().ok().filter(|y| (1990..=2100).contains(y))
    } else {
        None
    }
}

/// Splits «2026 : a 2027 : b» before each year that opens an entry (year, optional range, colon).
fn split_entries(line: &str) -> Vec<String> {
    let c: Vec<char> = line.chars().collect();
    let mut starts = vec![0];
    let mut i = 1;
    while i < c.len() {
        if c[i - 1].is_whitespace() && year_at(&c, i).is_some() {
            let mut j = i + 4;
            while j < c.len() && (c[j].is_whitespace() || c[j] == '-' || c[j] == '–') {
                j += 1;
            }
            if year_at(&c, j).is_some() {
                j += 4;
            }
            while j < c.len() && c[j].is_whitespace() {
                j += 1;
            }
            let before: String = c[*starts.last().expect("non-empty")..i].iter().collect();
            let lead = normalize(&before);
            let range_end = before.trim_end().ends_with(['-', '–', '/']);
            let qualified = range_end
                || ["a partir de", "jusqu en", "des", "avant", "apres", "en"]
                    .iter()
                    .any(|w| lead.ends_with(w));
            if j < c.len() && c[j] == ':' && !qualified {
                starts.push(i);
            }
        }
        i += 1;
    }
    starts.push(c.len());
    starts
        .windows(2)
        .map(|w| c[w[0]..w[1]].iter().collect::<String>().trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_one(s: &str) -> Echeance {
    let lower = normalize(s);
    let c: Vec<char> = s.chars().collect();
    let after_colon = |from: usize| -> String {
        let rest: String = c[from..].iter().collect();
        rest.trim_start().trim_start_matches(':').trim().to_string()
    };
    if lower.starts_with("a partir de") || lower.starts_with("jusqu en") {
        let open_end = lower.starts_with("a partir de");
        if let Some(i) = (0..c.len()).find(|i| year_at(&c, *i).is_some()) {
            let y = year_at(&c, i);
            let jalon = after_colon(i + 4);
            return if open_end {
                Echeance {
                    debut: y,
                    fin: None,
                    jalon,
                }
            } else {
                Echeance {
                    debut: None,
                    fin: y,
                    jalon,
                }
            };
        }
    }
    let Some(a) = year_at(&c, 0) else {
        return Echeance {
            debut: None,
            fin: None,
            jalon: s.to_string(),
        };
    };
    let mut j = 4;
    while j < c.len() && (c[j].is_whitespace() || c[j] == '-' || c[j] == '–' || c[j] == '/') {
        j += 1;
    }
    match year_at(&c, j) {
        Some(b) if j > 4 => Echeance {
            debut: Some(a),
            fin: Some(b),
            jalon: after_colon(j + 4),
        },
        _ => Echeance {
            debut: Some(a),
            fin: Some(a),
            jalon: after_colon(4),
        },
    }
}

/// «Nombre de places (cible : 42 places)» → label, target, unit.
pub fn parse_indicator(s: &str) -> Indicateur {
    if let Some(open) = s.rfind(" (cible : ")
        && s.ends_with(')')
    {
        let inner = &s[open + " (cible : ".len()..s.len() - 1];
        let (num, unit) = inner.split_once(' ').unwrap_or((inner, ""));
        if let Some(v) = crate::workbook::cells::parse_french_number(num) {
            return Indicateur {
                libelle: s[..open].to_string(),
                cible: Some(v),
                unite: unit.to_string(),
            };
        }
    }
    Indicateur {
        libelle: s.to_string(),
        cible: None,
        unite: String::new(),
    }
}

fn nonempty(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// What ended up where, for the import report.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct FicheReport {
    pub id: String,
    pub titre: String,
    pub disposition: String,
    pub champs: Vec<String>,
    pub autres: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Report {
    pub paragraphes: usize,
    pub tableaux: usize,
    pub fiches: Vec<FicheReport>,
    pub tableaux_competences: usize,
    pub tableaux_equipements: usize,
    /// First row of each table that was not recognised.
    pub non_reconnus: Vec<String>,
}

impl Report {
    /// What the import could not place, as diagnostics: each table not recognised
    /// (`CTG-W300`), each fiche rubrique kept under its own label (`CTG-I301`).
    pub fn diagnostics(&self, file: &str) -> Vec<crate::diagnostic::Diagnostic> {
        use crate::codes::Code;
        use crate::diagnostic::{Diagnostic, Location};
        let mut d = Vec::new();
        for t in &self.non_reconnus {
            d.push(
                Diagnostic::new(
                    Code::W300,
                    Location::file(file),
                    format!("tableau non reconnu, non importé ; première ligne : « {t} »"),
                )
                .value(t),
            );
        }
        for f in &self.fiches {
            for label in &f.autres {
                d.push(
                    Diagnostic::new(
                        Code::I301,
                        Location::file(file),
                        format!(
                            "fiche {} « {} » : rubrique « {label} » conservée dans les autres rubriques",
                            f.id, f.titre
                        ),
                    )
                    .value(label),
                );
            }
        }
        d
    }
}

fn apply(f: &mut FicheAction, field: Field, label: &str, lines: &[String], rep: &mut FicheReport) {
    let v = nonempty(lines);
    let text = v.join("\n");
    match field {
        Field::Pilote => f.pilote = v.join(" "),
        Field::Description => f.description = text,
        Field::DiagnosticInitial => f.diagnostic_initial = text,
        Field::PublicCible => f.public_cible = text,
        Field::Modalites => f.modalites = text,
        Field::Objectifs => f.objectifs_operationnels.extend(v),
        Field::Outils => f.outils.extend(v),
        Field::Services => f.services_mobilises.extend(v),
        Field::Partenaires => f.partenaires.extend(v),
        Field::Resultats => f.resultats_attendus.extend(v),
        Field::PointsForts => f.points_forts.extend(v),
        Field::PointsFaibles => f.points_faibles.extend(v),
        Field::Indicateurs => f.indicateurs.extend(v.iter().map(|l| parse_indicator(l))),
        Field::Echeancier => f.echeancier.extend(parse_echeances(&text)),
        Field::Collectivites => f.collectivites.extend(
            v.iter()
                .map(|l| code_in_parens(l).unwrap_or_else(|| l.clone())),
        ),
        Field::Specificites => match code_in_parens(label) {
            Some(ao) => f.specificites.push(Specificite { ao, texte: text }),
            None => {
                for l in v {
                    let (ao, t) = l
                        .split_once(" : ")
                        .map(|(a, t)| (a.to_string(), t.to_string()))
                        .unwrap_or((String::new(), l.clone()));
                    f.specificites.push(Specificite { ao, texte: t });
                }
            }
        },
    }
    rep.champs.push(format!("{label} → {field:?}"));
}

fn code_in_parens(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(':').trim();
    let open = s.rfind('(')?;
    s.ends_with(')')
        .then(|| s[open + 1..s.len() - 1].trim().to_string())
        .filter(|c| !c.is_empty() && c.chars().all(|x| x.is_ascii_alphanumeric()))
}

/// A cell of the Caf grid: its label (first line, or text before a colon) and its value.
fn grid_cell(c: &CellW) -> Option<(String, Vec<String>)> {
    let first = c.paragraphs.iter().find(|p| !p.trim().is_empty())?;
    let idx = c.paragraphs.iter().position(|p| p == first).unwrap_or(0);
    let (label, inline) = match first.split_once(':') {
        Some((l, rest)) if field_of(l).is_some() || !rest.trim().is_empty() && l.len() < 80 => {
            (l.trim().to_string(), rest.trim().to_string())
        }
        _ => (first.trim().to_string(), String::new()),
    };
    let mut values = Vec::new();
    if !inline.is_empty() {
        values.push(inline);
    }
    values.extend(c.paragraphs[idx + 1..].iter().cloned());
    Some((label, values))
}

enum Kind {
    PointsForts,
    LabelValue,
    Grid,
    Competences,
    Equipements,
    Unknown,
}

fn classify(t: &Table) -> Kind {
    let first: Vec<String> = t
        .rows
        .first()
        .map(|r| r.iter().map(|c| normalize(&c.text())).collect())
        .unwrap_or_default();
    if first.len() >= 2
        && first[0].starts_with("points forts")
        && first[1].starts_with("points faibles")
    {
        return Kind::PointsForts;
    }
    if first.len() >= 2
        && first[0].starts_with("type de structure")
        && first[1].starts_with("nom et adresse")
    {
        return Kind::Equipements;
    }
    if first.len() >= 4
        && (first[0].starts_with("commune") || first[0].starts_with("nom de la commune"))
        && first.iter().any(|h| h.contains("recens"))
    {
        return Kind::Competences;
    }
    let mut lv = 0;
    let mut grid = 0;
    for r in &t.rows {
        let label0 = r
            .first()
            .and_then(|c| c.paragraphs.first())
            .is_some_and(|p| field_of(p.split(':').next().unwrap_or(p)).is_some());
        let label1 = r
            .get(1)
            .and_then(grid_cell)
            .is_some_and(|(l, _)| field_of(&l).is_some());
        if r.len() >= 2 && label0 && !label1 && r[0].paragraphs.len() <= 2 {
            lv += 1;
        }
        grid += r
            .iter()
            .filter(|c| grid_cell(c).is_some_and(|(l, _)| field_of(&l).is_some()))
            .count();
    }
    if lv >= 2 && lv * 2 >= t.rows.len() {
        Kind::LabelValue
    } else if grid >= 3 {
        Kind::Grid
    } else {
        Kind::Unknown
    }
}

/// «Action 1.2 : Créer…», «Fiche action n° 3 – …» → («1.2», «Créer…»).
pub fn split_numbered(title: &str) -> (Option<String>, String) {
    let t = title.trim();
    let lower = normalize(t);
    let skip_words = ["fiche action", "fiche", "action", "axe"];
    let Some(word) = skip_words.iter().find(|w| lower.starts_with(*w)) else {
        return (None, t.to_string());
    };
    // Skip the word (as many characters as it has letters, counting separators).
    let mut chars = t.char_indices().peekable();
    let mut letters = word.chars().filter(|c| c.is_alphanumeric()).count();
    let mut pos = 0;
    while letters > 0 {
        let Some((i, c)) = chars.next() else { break };
        pos = i + c.len_utf8();
        if c.is_alphanumeric() {
            letters -= 1;
        }
    }
    let rest = t[pos..]
        .trim_start()
        .trim_start_matches(['n', 'N'])
        .trim_start_matches(['°', 'o', 'º', '.'])
        .trim_start();
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let num = num.trim_end_matches('.').to_string();
    if num.is_empty() {
        return (None, t.to_string());
    }
    let after = rest[num.len()..]
        .trim_start()
        .trim_start_matches(['.', ':', '–', '-', '—'])
        .trim();
    (Some(num), after.to_string())
}

/// Turns the blocks of a Word CTG into a model and an import report.
pub fn recognise(blocks: &[Block]) -> (Ctg, Report) {
    let mut ctg = Ctg::empty();
    let mut rep = Report::default();
    let mut headings: Vec<(u8, String)> = Vec::new();
    let mut last_title: Option<String> = None;
    let mut current: Option<(FicheAction, FicheReport, String)> = None; // fiche, report, title it came from
    let mut axe_id = String::new();
    let mut explicit_axes = false;
    // In a plan without «Axe n» headings, a title followed by the fiche's own title with no
    // table between is a theme: it becomes the axe of the fiches that follow.
    let mut titles_since_table: Vec<String> = Vec::new();
    let mut seq = 0;
    let finish =
        |cur: &mut Option<(FicheAction, FicheReport, String)>, ctg: &mut Ctg, rep: &mut Report| {
            if let Some((f, r, _)) = cur.take() {
                rep.fiches.push(r);
                ctg.fiches.push(f);
            }
        };
    for b in blocks {
        match b {
            Block::Para(p) => {
                rep.paragraphes += 1;
                let text = p.text.trim();
                if text.is_empty() {
                    continue;
                }
                let level = p.level.or_else(|| {
                    (p.bold && text.chars().count() < 160 && !text.ends_with('.'))
                        .then(|| if p.size.unwrap_or(0) >= 28 { 1 } else { 3 })
                });
                let Some(level) = level else { continue };
                headings.retain(|(l, _)| *l < level);
                headings.push((level, text.to_string()));
                if normalize(text).starts_with("axe ") {
                    explicit_axes = true;
                    axe_id = axe_from(&mut ctg, text);
                }
                last_title = Some(text.to_string());
                titles_since_table.push(text.to_string());
            }
            Block::Table(t) => {
                rep.tableaux += 1;
                let kind = classify(t);
                let starts_fiche = matches!(kind, Kind::PointsForts | Kind::Grid)
                    || (matches!(kind, Kind::LabelValue) && !titles_since_table.is_empty());
                if starts_fiche && !explicit_axes && titles_since_table.len() >= 2 {
                    axe_id = axe_from(&mut ctg, &titles_since_table[titles_since_table.len() - 2]);
                }
                titles_since_table.clear();
                match kind {
                    Kind::PointsForts => {
                        finish(&mut current, &mut ctg, &mut rep);
                        let f = new_fiche(
                            &mut seq,
                            last_title.as_deref(),
                            &axe_id,
                            Disposition::PointsForts,
                        );
                        let r = FicheReport {
                            id: f.id.clone(),
                            titre: f.titre.clone(),
                            disposition: "points_forts".into(),
                            ..Default::default()
                        };
                        current = Some((f, r, last_title.clone().unwrap_or_default()));
                        let (f, r, _) = current.as_mut().expect("just set");
                        for row in &t.rows[1..] {
                            if let Some(c) = row.first() {
                                apply(f, Field::PointsForts, "Points forts", &c.paragraphs, r);
                            }
                            if let Some(c) = row.get(1) {
                                apply(f, Field::PointsFaibles, "Points faibles", &c.paragraphs, r);
                            }
                        }
                    }
                    Kind::LabelValue => {
                        let same = current.as_ref().is_some_and(|(_, _, title)| {
                            Some(title) == last_title.as_ref()
                                && current
                                    .as_ref()
                                    .is_some_and(|c| c.0.disposition == Disposition::PointsForts)
                        });
                        if !same {
                            finish(&mut current, &mut ctg, &mut rep);
                            let f = new_fiche(
                                &mut seq,
                                last_title.as_deref(),
                                &axe_id,
                                Disposition::PointsForts,
                            );
                            let r = FicheReport {
                                id: f.id.clone(),
                                titre: f.titre.clone(),
                                disposition: "points_forts".into(),
                                ..Default::default()
                            };
                            current = Some((f, r, last_title.clone().unwrap_or_default()));
                        }
                        let (f, r, _) = current.as_mut().expect("set");
                        label_value(f, t, r);
                        finish(&mut current, &mut ctg, &mut rep);
                    }
                    Kind::Grid => {
                        finish(&mut current, &mut ctg, &mut rep);
                        let mut f = new_fiche(
                            &mut seq,
                            last_title.as_deref(),
                            &axe_id,
                            Disposition::ModeleCaf,
                        );
                        let mut r = FicheReport {
                            id: f.id.clone(),
                            titre: f.titre.clone(),
                            disposition: "modele_caf".into(),
                            ..Default::default()
                        };
                        for row in &t.rows {
                            for c in row.iter().filter(|c| c.vmerge != Some(false)) {
                                let Some((label, values)) = grid_cell(c) else {
                                    continue;
                                };
                                match field_of(&label) {
                                    Some(field) => apply(&mut f, field, &label, &values, &mut r),
                                    None => {
                                        r.autres.push(label.clone());
                                        f.autres.push(Rubrique {
                                            libelle: label,
                                            texte: nonempty(&values).join("\n"),
                                        });
                                    }
                                }
                            }
                        }
                        rep.fiches.push(r);
                        ctg.fiches.push(f);
                    }
                    Kind::Competences => {
                        rep.tableaux_competences += 1;
                        competences(&mut ctg, t);
                    }
                    Kind::Equipements => {
                        rep.tableaux_equipements += 1;
                        let owner = headings.last().map(|h| h.1.clone()).unwrap_or_default();
                        equipements(&mut ctg, t, &owner);
                    }
                    Kind::Unknown => {
                        let first = t
                            .rows
                            .first()
                            .map(|r| {
                                r.iter()
                                    .map(|c| c.text().replace('\n', " "))
                                    .collect::<Vec<_>>()
                                    .join(" | ")
                            })
                            .unwrap_or_default();
                        rep.non_reconnus.push(first.chars().take(200).collect());
                    }
                }
            }
        }
    }
    finish(&mut current, &mut ctg, &mut rep);
    (ctg, rep)
}

fn label_value(f: &mut FicheAction, t: &Table, r: &mut FicheReport) {
    let mut label = String::new();
    for row in &t.rows {
        let Some(first) = row.first() else { continue };
        if first.vmerge != Some(false) {
            label = first
                .paragraphs
                .iter()
                .find(|p| !p.trim().is_empty())
                .cloned()
                .unwrap_or_default();
        }
        let values: Vec<String> = row[1..]
            .iter()
            .flat_map(|c| c.paragraphs.iter().cloned())
            .collect();
        match field_of(&label) {
            Some(field) => apply(f, field, &label, &values, r),
            None => {
                r.autres.push(label.clone());
                f.autres.push(Rubrique {
                    libelle: label.clone(),
                    texte: nonempty(&values).join("\n"),
                });
            }
        }
    }
}

fn new_fiche(
    seq: &mut usize,
    title: Option<&str>,
    axe: &str,
    disposition: Disposition,
) -> FicheAction {
    *seq += 1;
    let (id, titre) = split_numbered(title.unwrap_or(""));
    FicheAction {
        id: id.unwrap_or_else(|| format!("F{seq}")),
        titre,
        axe: axe.to_string(),
        disposition,
        ..Default::default()
    }
}

fn axe_from(ctg: &mut Ctg, text: &str) -> String {
    let (num, titre) = split_numbered(text);
    let id = format!(
        "axe-{}",
        num.unwrap_or_else(|| (ctg.axes.len() + 1).to_string())
    );
    if !ctg.axes.iter().any(|a| a.id == id) {
        let objectif = match ObjectifCaf::match_label(&titre) {
            Match::Exact(o) | Match::Close(o) => Some(o),
            _ => None,
        };
        ctg.axes.push(Axe {
            id: id.clone(),
            titre,
            objectif,
            socle: objectif == Some(ObjectifCaf::AccueilJeuneEnfant),
        });
    }
    id
}

fn status_of(c: &CellW) -> StatutAo {
    for line in &c.paragraphs {
        if line.contains('☒') {
            let n = normalize(line);
            if n.contains("transfer") {
                return StatutAo::Transferee;
            }
            if n.contains("exerce") {
                return StatutAo::Exercee;
            }
        }
    }
    StatutAo::NonExercee
}

fn competences(ctg: &mut Ctg, t: &Table) {
    for row in &t.rows[1..] {
        if row.len() < 6 {
            continue;
        }
        let nom = row[0].text().trim().to_string();
        if nom.is_empty()
            || row[2..6]
                .iter()
                .any(|c| normalize(&c.text()).contains("ensemble des communes"))
        {
            continue;
        }
        let digits: String = row[1]
            .text()
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let insee = match referentiel().search(&nom).as_slice() {
            [Found::Commune(c)] => c.insee.to_string(),
            _ => String::new(),
        };
        let mut c = Commune {
            insee,
            nom,
            population_totale: digits.parse().ok(),
            ..Default::default()
        };
        for (k, comp) in crate::referentials::CompetenceAo::all().iter().enumerate() {
            c.competences.set(*comp, status_of(&row[2 + k]));
        }
        ctg.territoire.communes.push(c);
    }
}

fn equipements(ctg: &mut Ctg, t: &Table, owner: &str) {
    let code = match referentiel().search(owner).as_slice() {
        [Found::Commune(c)] => c.insee.to_string(),
        [Found::Epci(e)] => e.siren.to_string(),
        _ => ctg
            .territoire
            .communes
            .iter()
            .find(|c| c.nom == owner)
            .map(|c| c.insee.clone())
            .unwrap_or_else(|| owner.to_string()),
    };
    for row in &t.rows[1..] {
        let (Some(tc), Some(nc)) = (row.first(), row.get(1)) else {
            continue;
        };
        let lines = nonempty(&nc.paragraphs);
        if lines.is_empty() {
            continue;
        }
        let type_text = tc.text();
        let (type_structure, libelle_autre) =
            match TypeStructure::match_label(type_text.split(':').next().unwrap_or(&type_text)) {
                Match::Exact(t) | Match::Close(t) => (
                    t,
                    type_text
                        .split_once(':')
                        .map(|x| x.1.trim().to_string())
                        .unwrap_or_default(),
                ),
                _ => (TypeStructure::Autre, type_text.trim().to_string()),
            };
        ctg.equipements.push(Equipement {
            collectivite: code.clone(),
            type_structure,
            libelle_autre,
            nom: lines[0].clone(),
            adresse: lines[1..].join(", "),
            commune: String::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echeances_in_every_writing() {
        let e = parse_echeances(
            "2026 : rencontre\n2027-2028 : extension\n2027 - 2030 : suite\n2026-2030\nÀ partir de 2029 : pérennisation",
        );
        assert_eq!(
            e[0],
            Echeance {
                debut: Some(2026),
                fin: Some(2026),
                jalon: "rencontre".into()
            }
        );
        assert_eq!(
            e[1],
            Echeance {
                debut: Some(2027),
                fin: Some(2028),
                jalon: "extension".into()
            }
        );
        assert_eq!(
            e[2],
            Echeance {
                debut: Some(2027),
                fin: Some(2030),
                jalon: "suite".into()
            }
        );
        assert_eq!(
            e[3],
            Echeance {
                debut: Some(2026),
                fin: Some(2030),
                jalon: String::new()
            }
        );
        assert_eq!(
            e[4],
            Echeance {
                debut: Some(2029),
                fin: None,
                jalon: "pérennisation".into()
            }
        );
        let two = parse_echeances("2026-2029 : déploiement 2030 : la totalité des crèches");
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].debut, Some(2030));
    }

    #[test]
    fn labels_and_synonyms() {
        assert_eq!(field_of("Pilote du Projet"), Some(Field::Pilote));
        assert_eq!(field_of("Porteur"), Some(Field::Pilote));
        assert_eq!(
            field_of("Suivi/indicateurs d'évaluation"),
            Some(Field::Indicateurs)
        );
        assert_eq!(field_of("Echéancier"), Some(Field::Echeancier));
        assert_eq!(
            field_of("Échéances de réalisation :"),
            Some(Field::Echeancier)
        );
        assert_eq!(
            field_of("Diagnostic initial (extrait ou résumé du diagnostic global)"),
            Some(Field::DiagnosticInitial)
        );
        assert_eq!(field_of("Budget prévisionnel"), None);
    }

    #[test]
    fn numbered_titles() {
        assert_eq!(
            split_numbered("Action 1 : Maintenir l'offre"),
            (Some("1".into()), "Maintenir l'offre".into())
        );
        assert_eq!(
            split_numbered("Fiche action n° 3 – Soutenir"),
            (Some("3".into()), "Soutenir".into())
        );
        assert_eq!(
            split_numbered("Action 1.2 : Ouvrir"),
            (Some("1.2".into()), "Ouvrir".into())
        );
        assert_eq!(
            split_numbered("Axe 2 : Parentalité"),
            (Some("2".into()), "Parentalité".into())
        );
        assert_eq!(
            split_numbered("Lutter contre l'isolement"),
            (None, "Lutter contre l'isolement".into())
        );
    }

    #[test]
    fn indicators_with_target() {
        let i = parse_indicator("Places agréées (cible : 42 places)");
        assert_eq!(
            (i.libelle.as_str(), i.cible, i.unite.as_str()),
            ("Places agréées", Some(42.0), "places")
        );
        let i = parse_indicator("Taux (cible : 70 %)");
        assert_eq!((i.cible, i.unite.as_str()), (Some(70.0), "%"));
        assert_eq!(parse_indicator("Nombre de commissions").cible, None);
    }
}
