//! Recognising, in any order and number, what a Word CTG holds: fiches-action whatever their
//! layout (label/value tables with any share of known labels, the Caf model grid with its title
//! row, tables continued after a page break or split in several tables, separate indicator,
//! Gantt and «points forts» tables, «Échéancier :» lists), axes from «AXE n» headings, numbered
//! headings or themes, the AO competence table and the Annexe 2 tables (both shapes).
//!
//! Every non-empty paragraph and cell line of the body gets a fate: placed in a model field,
//! read as a label or a heading of the structure, or listed as «non placé» with its location.

use serde::{Deserialize, Serialize};

use super::convention::{self, Section};
use super::read::{Block, CellW, Paragraph, Table};
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
/// A label matches when it equals an entry or starts with it followed by a word
/// («Pilote du projet (nom, service)»). To teach the importer a new wording, add a line.
const LABELS: &[(&str, Field)] = &[
    ("pilote du projet", Field::Pilote),
    ("pilote de l action", Field::Pilote),
    ("porteur du projet", Field::Pilote),
    ("porteur de l action", Field::Pilote),
    ("pilote", Field::Pilote),
    ("porteur", Field::Pilote),
    ("referent", Field::Pilote),
    ("responsable de l action", Field::Pilote),
    ("description de l action", Field::Description),
    ("description", Field::Description),
    ("contenu de l action", Field::Description),
    ("contenu", Field::Description),
    ("deroulement", Field::Description),
    ("diagnostic initial", Field::DiagnosticInitial),
    ("constat", Field::DiagnosticInitial),
    ("contexte", Field::DiagnosticInitial),
    ("public cible", Field::PublicCible),
    ("publics cibles", Field::PublicCible),
    ("public vise", Field::PublicCible),
    ("public concerne", Field::PublicCible),
    ("publics", Field::PublicCible),
    ("public", Field::PublicCible),
    ("objectifs operationnels", Field::Objectifs),
    ("objectifs de l action", Field::Objectifs),
    ("objectifs", Field::Objectifs),
    ("objectif", Field::Objectifs),
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
    ("criteres d evaluation", Field::Indicateurs),
    ("evaluation", Field::Indicateurs),
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
    ("atouts", Field::PointsForts),
    ("forces", Field::PointsForts),
    ("points faibles", Field::PointsFaibles),
    ("points de vigilance", Field::PointsFaibles),
    ("points d amelioration", Field::PointsFaibles),
    ("faiblesses", Field::PointsFaibles),
    ("limites", Field::PointsFaibles),
];

/// The field a label names, if any («Pilote du Projet», «Échéances de réalisation :»).
pub fn field_of(label: &str) -> Option<Field> {
    let n = normalize(label);
    if n.is_empty() || n.len() > 80 {
        return None;
    }
    LABELS
        .iter()
        .find(|(k, _)| {
            n.len() >= k.len()
                && n.starts_with(k)
                && (n.len() == k.len() || n.as_bytes()[k.len()] == b' ')
        })
        .map(|(_, f)| *f)
}

/// «2026 : …», «2027-2028 : …», «De 2026 à 2028 : …», «Septembre 2026 : …», «1er semestre
/// 2027 : …», «Dès 2027 puis chaque année : …», «• 2026 : …», «- 2029 : …», «2026-2030»,
/// several entries in one cell: start year, end year and milestone. When the date part says
/// more than years (month, semester, season, «puis chaque année»), the milestone is the whole
/// line so that the qualifier is kept.
pub fn parse_echeances(text: &str) -> Vec<Echeance> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        for part in split_entries(strip_bullet(line)) {
            out.push(parse_one(&part));
        }
    }
    out
}

fn strip_bullet(line: &str) -> &str {
    line.trim_start_matches([
        '•', '-', '–', '—', '*', '·', '▪', '\u{f0b7}', '◦', '‣', '\u{f0a7}',
    ])
    .trim_start()
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
                || before.split(':').count() < 2
                || [
                    "a partir de",
                    "jusqu en",
                    "des",
                    "avant",
                    "apres",
                    "en",
                    "de",
                    "a",
                    "semestre",
                    "trimestre",
                    "janvier",
                    "fevrier",
                    "mars",
                    "avril",
                    "mai",
                    "juin",
                    "juillet",
                    "aout",
                    "septembre",
                    "octobre",
                    "novembre",
                    "decembre",
                    "ete",
                    "automne",
                    "hiver",
                    "printemps",
                    "rentree",
                    "fin",
                    "debut",
                    "mi",
                ]
                .iter()
                .any(|w| lead == *w || lead.ends_with(&format!(" {w}")));
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

fn years_in(s: &str) -> Vec<i32> {
    let c: Vec<char> = s.chars().collect();
    (0..c.len()).filter_map(|i| year_at(&c, i)).collect()
}

fn parse_one(s: &str) -> Echeance {
    let s = strip_bullet(s.trim());
    let (date, rest) = match s.find(':') {
        Some(i) if !years_in(&s[..i]).is_empty() && s[..i].chars().count() <= 60 => {
            (s[..i].trim(), Some(s[i + 1..].trim()))
        }
        _ => (s, None),
    };
    let years = years_in(date);
    if years.is_empty() {
        return Echeance {
            debut: None,
            fin: None,
            jalon: s.to_string(),
        };
    }
    let norm = normalize(date);
    let words: Vec<&str> = norm
        .split(' ')
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let only_years = words.iter().all(|w| {
        [
            "de", "a", "partir", "jusqu", "en", "au", "du", "et", "l", "annee", "annees",
        ]
        .contains(w)
    });
    let open = norm.starts_with("des ")
        || norm.starts_with("a partir")
        || norm.contains("puis")
        || norm.contains("au dela");
    let until = norm.starts_with("jusqu");
    let (debut, fin) = if until {
        (None, years.last().copied())
    } else if open {
        (Some(years[0]), None)
    } else {
        (Some(years[0]), years.last().copied())
    };
    let jalon = match rest {
        Some(r) if only_years => r.to_string(),
        Some(_) => s.to_string(),
        None if only_years => String::new(),
        None => s.to_string(),
    };
    Echeance { debut, fin, jalon }
}

/// «Nombre de places (valeur initiale : 30 places ; cible : 42 places)» → label, baseline,
/// target, unit (as `ctg convention` writes it; each part optional).
pub fn parse_indicator(s: &str) -> Indicateur {
    let plain = Indicateur {
        libelle: s.to_string(),
        ..Default::default()
    };
    let Some(open) = s.rfind(" (") else {
        return plain;
    };
    if !s.ends_with(')') {
        return plain;
    }
    let inner = &s[open + 2..s.len() - 1];
    let mut ind = Indicateur {
        libelle: s[..open].to_string(),
        ..Default::default()
    };
    for part in inner.split(" ; ") {
        let (key, value) = match part.split_once(" : ") {
            Some(kv) => kv,
            None => return plain,
        };
        let Some((v, unite)) = number_and_unit(value) else {
            return plain;
        };
        match key.trim() {
            "cible" => ind.cible = Some(v),
            "valeur initiale" => ind.valeur_initiale = Some(v),
            _ => return plain,
        }
        if ind.unite.is_empty() {
            ind.unite = unite;
        }
    }
    ind
}

/// «3 200», «52 %», «1 450 000 €», «42 places» → number and unit.
fn number_and_unit(s: &str) -> Option<(f64, String)> {
    let s = s.replace(['\u{a0}', '\u{202f}'], " ");
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == ' ' || *c == ',' || *c == '.' || *c == '-'))
        .map_or(s.len(), |(i, _)| i);
    let num = s[..end].trim();
    if num.is_empty() {
        return None;
    }
    let v = crate::workbook::cells::parse_french_number(&num.replace(' ', ""))?;
    Some((v, s[end..].trim().to_string()))
}

fn nonempty(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// What ended up where, for the import report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FicheReport {
    pub id: String,
    pub titre: String,
    pub disposition: String,
    /// Labels whose value was placed in a field of the model («Pilote → Pilote»).
    pub champs: Vec<String>,
    /// Labels kept under their own name in the fiche's «autres» rubriques.
    pub autres: Vec<String>,
    /// Tables of the document joined to this fiche (1-based), in order.
    #[serde(default)]
    pub tableaux: Vec<usize>,
}

/// What became of a line of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Copied as written into a text field of the model.
    Value,
    /// Read into a field after parsing (years, numbers, ticked boxes, a title without its number).
    Parsed,
    /// A label, column header or model wording that names a field.
    Label,
    /// A heading of the document's structure (annexe, article, section of a table).
    Structure,
    /// Not placed: listed in the report.
    NotPlaced,
}

/// A line of the body that ended in no field of the model.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NonPlace {
    pub texte: String,
    /// «tableau 3, ligne 2, colonne 1» or «paragraphe 12».
    pub lieu: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tableau: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ligne: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub colonne: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub paragraphe: Option<usize>,
    /// The nearest heading above.
    pub titre: String,
    /// Why it was not placed.
    pub raison: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    pub paragraphes: usize,
    pub tableaux: usize,
    pub fiches: Vec<FicheReport>,
    pub tableaux_competences: usize,
    pub tableaux_equipements: usize,
    /// First row of each table that was not recognised.
    pub non_reconnus: Vec<String>,
    /// Non-empty lines of the body (paragraphs and cell lines; table of contents aside).
    #[serde(default)]
    pub lignes: usize,
    /// Of which placed in the model (values, parsed values, labels, headings of the structure).
    #[serde(default)]
    pub placees: usize,
    /// Of which not placed, each with its location.
    #[serde(default)]
    pub non_places: Vec<NonPlace>,
    /// Every line with its fate, in document order (not sent by the isolated reader).
    #[serde(skip)]
    pub trace: Vec<(String, Fate)>,
    /// The period read in the title's years, when the text dates it nowhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periode_du_titre: Option<PeriodeDuTitre>,
}

/// A period read in the title: the title, and the dates it gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeriodeDuTitre {
    pub titre: String,
    pub debut: chrono::NaiveDate,
    pub fin: chrono::NaiveDate,
}

impl Report {
    /// What the import could not place, as diagnostics: each table not recognised
    /// (`CTG-W300`), each fiche rubrique kept under its own label (`CTG-I301`), each line of
    /// the body placed nowhere (`CTG-W302`).
    pub fn diagnostics(&self, file: &str) -> Vec<crate::diagnostic::Diagnostic> {
        use crate::codes::Code;
        use crate::diagnostic::{Diagnostic, Location};
        let mut d = Vec::new();
        for t in &self.non_reconnus {
            d.push(
                Diagnostic::new(
                    Code::W300,
                    Location::file(file),
                    format!("tableau non reconnu ; première ligne : « {t} »"),
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
        if let Some(p) = &self.periode_du_titre {
            d.push(
                Diagnostic::new(
                    Code::I303,
                    Location::file(file),
                    format!(
                        "période lue dans le titre « {} » : du {} au {} (le texte ne la date nulle part ailleurs ; corrigez-la dans le modèle si la convention dit autrement)",
                        p.titre,
                        crate::fr::date(p.debut),
                        crate::fr::date(p.fin)
                    ),
                )
                .value(&p.titre),
            );
        }
        for n in &self.non_places {
            let location = match (n.tableau, n.ligne, n.colonne, n.paragraphe) {
                (Some(t), Some(l), Some(c), _) => Location::cell(
                    Some(file),
                    &format!("tableau {t}"),
                    format!("{}{l}", col_name(c)),
                ),
                (_, _, _, Some(p)) => Location {
                    file: Some(file.to_string()),
                    sheet: Some(format!("paragraphe {p}")),
                    ..Default::default()
                },
                _ => Location::file(file),
            };
            let sous = if n.titre.is_empty() {
                String::new()
            } else {
                format!(", sous « {} »", n.titre)
            };
            d.push(
                Diagnostic::new(
                    Code::W302,
                    location,
                    format!("non placé ({}{sous}) : {}", n.lieu, n.raison),
                )
                .value(&n.texte),
            );
        }
        d
    }

    fn fate(&mut self, text: &str, fate: Fate) {
        self.lignes += 1;
        self.placees += 1;
        self.trace.push((text.to_string(), fate));
    }

    fn lose(&mut self, text: &str, at: At, titre: &str, raison: &str) {
        self.lignes += 1;
        self.trace.push((text.to_string(), Fate::NotPlaced));
        let (tableau, ligne, colonne, paragraphe, lieu) = match at {
            At::Cell(t, r, c) => (
                Some(t),
                Some(r),
                Some(c),
                None,
                format!("tableau {t}, ligne {r}, colonne {c}"),
            ),
            At::Para(p) => (None, None, None, Some(p), format!("paragraphe {p}")),
        };
        self.non_places.push(NonPlace {
            texte: text.to_string(),
            lieu,
            tableau,
            ligne,
            colonne,
            paragraphe,
            titre: titre.to_string(),
            raison: raison.to_string(),
        });
    }
}

/// Column letters as in a spreadsheet: 1 → A, 27 → AA.
fn col_name(mut c: usize) -> String {
    let mut s = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        s.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
enum At {
    Cell(usize, usize, usize),
    Para(usize),
}

fn push_text(field: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !field.is_empty() {
        field.push('\n');
    }
    field.push_str(text);
}

/// Places the value lines of a label; returns the fate of those lines.
fn apply(
    f: &mut FicheAction,
    field: Field,
    label: &str,
    lines: &[String],
    rep: &mut FicheReport,
) -> Fate {
    let v = nonempty(lines);
    let text = v.join("\n");
    let mut fate = Fate::Value;
    match field {
        Field::Pilote => {
            if f.pilote.is_empty() {
                f.pilote = v.join(" ");
            } else {
                let p = v.join(" ");
                push_text(&mut f.pilote, &p);
            }
        }
        Field::Description => push_text(&mut f.description, &text),
        Field::DiagnosticInitial => push_text(&mut f.diagnostic_initial, &text),
        Field::PublicCible => push_text(&mut f.public_cible, &text),
        Field::Modalites => push_text(&mut f.modalites, &text),
        Field::Objectifs => f.objectifs_operationnels.extend(v),
        Field::Outils => f.outils.extend(v),
        Field::Services => {
            // «Pilote : …» in the Caf grid's services names the pilot.
            for l in &v {
                if let Some((k, rest)) = l.split_once(':')
                    && normalize(k) == "pilote"
                    && f.pilote.is_empty()
                    && !rest.trim().is_empty()
                {
                    f.pilote = rest.trim().to_string();
                }
            }
            // «Relais petite enfance (responsable)», «Centre social L'Escale, pilote».
            if f.pilote.is_empty()
                && let Some(p) = v.iter().find_map(|l| pilot_mark(l))
            {
                f.pilote = p;
            }
            f.services_mobilises.extend(v);
        }
        Field::Partenaires => f.partenaires.extend(v),
        Field::Resultats => f.resultats_attendus.extend(v),
        Field::PointsForts => f.points_forts.extend(v),
        Field::PointsFaibles => f.points_faibles.extend(v),
        Field::Indicateurs => {
            f.indicateurs.extend(v.iter().map(|l| parse_indicator(l)));
            fate = Fate::Parsed;
        }
        Field::Echeancier => {
            f.echeancier.extend(parse_echeances(&text));
            fate = Fate::Parsed;
        }
        Field::Collectivites => {
            f.collectivites.extend(
                v.iter()
                    .map(|l| code_in_parens(l).unwrap_or_else(|| l.clone())),
            );
            fate = Fate::Parsed;
        }
        Field::Specificites => {
            fate = Fate::Parsed;
            match code_in_parens(label) {
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
            }
        }
    }
    if !lines.iter().all(|l| l.trim().is_empty()) {
        rep.champs.push(format!("{label} → {field:?}"));
    }
    fate
}

/// «X (pilote)», «X (responsable)», «X, pilote», «X – porteur» → X.
fn pilot_mark(line: &str) -> Option<String> {
    let l = line.trim().trim_end_matches(['.', ';']);
    for w in ["pilote", "responsable", "porteur", "referent", "referente"] {
        let n = normalize(l);
        if !n.ends_with(&format!(" {w}")) {
            continue;
        }
        let cut = l
            .rfind(['(', ',', '–', '-'])
            .filter(|i| normalize(&l[*i..]) == w)?;
        let name = l[..cut].trim().trim_end_matches([',', '–', '-']).trim();
        if !name.is_empty() {
            return Some(name.to_string());
        }
    }
    None
}

fn code_in_parens(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(':').trim();
    let open = s.rfind('(')?;
    s.ends_with(')')
        .then(|| s[open + 1..s.len() - 1].trim().to_string())
        .filter(|c| !c.is_empty() && c.chars().all(|x| x.is_ascii_alphanumeric()))
}

/// A cell of the Caf grid: its label (first line, or text before a colon), whether the label
/// has its own line, and the value lines (indexes into the cell's paragraphs).
fn grid_cell(c: &CellW) -> Option<(String, Vec<String>, bool)> {
    let idx = c.paragraphs.iter().position(|p| !p.trim().is_empty())?;
    let first = &c.paragraphs[idx];
    let (label, inline) = match first.split_once(':') {
        Some((l, rest)) if field_of(l).is_some() && l.chars().count() < 80 => {
            (l.trim().to_string(), rest.trim().to_string())
        }
        _ => (first.trim().to_string(), String::new()),
    };
    let own_line = inline.is_empty();
    let mut values = Vec::new();
    if !inline.is_empty() {
        values.push(inline);
    }
    values.extend(c.paragraphs[idx + 1..].iter().cloned());
    Some((label, values, own_line))
}

enum Kind {
    PointsForts,
    Indicators,
    Gantt,
    LabelValue,
    Grid,
    Competences,
    /// Annexe 2: the Caf model shape (owner in its first row) or «Type | Nom (et adresse) | …».
    Equipements,
    /// Annexe 4: «Instance | Composition | Fréquence | Rôle».
    Instances,
    /// Signature blocks: every cell starts with «Pour …».
    Signatures,
    /// Annexe 3's projection of the offer for one AO («Mode d'accueil / dispositif | Actuel |
    /// 2026 … | Besoins en emplois… | Projets d'investissement»), as `ctg convention` writes it.
    Projections,
    Unknown,
}

fn first_line(c: &CellW) -> String {
    c.paragraphs
        .iter()
        .find(|p| !p.trim().is_empty())
        .cloned()
        .unwrap_or_default()
}

fn is_left_strength(n: &str) -> bool {
    [
        "points forts",
        "atouts",
        "forces",
        "point fort",
        "atout",
        "force",
    ]
    .iter()
    .any(|k| n == *k || n.starts_with(&format!("{k} ")))
}

fn is_right_weakness(n: &str) -> bool {
    [
        "points faibles",
        "points de vigilance",
        "faiblesses",
        "point faible",
        "point de vigilance",
        "faiblesse",
        "points d amelioration",
        "limites",
        "fragilites",
    ]
    .iter()
    .any(|k| n == *k || n.starts_with(&format!("{k} ")))
}

fn classify(t: &Table) -> Kind {
    let Some(r0) = t.rows.first() else {
        return Kind::Unknown;
    };
    let first: Vec<String> = r0.iter().map(|c| normalize(&c.text())).collect();
    if first.len() >= 3
        && first[0].starts_with("mode d accueil")
        && first[1] == "actuel"
        && t.rows.len() >= 2
    {
        return Kind::Projections;
    }
    if first.len() == 2 && is_left_strength(&first[0]) && is_right_weakness(&first[1]) {
        return Kind::PointsForts;
    }
    if first.len() >= 2
        && (first[0].starts_with("type de structure")
            || first[0] == "type"
            || first[0] == "type de structure")
        && first[1].starts_with("nom")
    {
        return Kind::Equipements;
    }
    if first.len() == 2
        && first[0].starts_with("nom de la collectivite")
        && t.rows.get(1).is_some_and(|r| {
            r.first()
                .is_some_and(|c| normalize(&c.text()).starts_with("type de structure"))
        })
    {
        return Kind::Equipements;
    }
    if first.len() >= 4
        && (first[0].starts_with("commune") || first[0].starts_with("nom de la commune"))
        && first.iter().any(|h| h.contains("recens"))
    {
        return Kind::Competences;
    }
    if first.len() >= 3 && first[0].starts_with("instance") {
        return Kind::Instances;
    }
    let cells: Vec<&CellW> = t
        .rows
        .iter()
        .flatten()
        .filter(|c| !c.text().trim().is_empty())
        .collect();
    if !cells.is_empty()
        && cells
            .iter()
            .all(|c| first_line(c).trim_start().starts_with("Pour "))
    {
        return Kind::Signatures;
    }
    if first.len() >= 2
        && first[0].starts_with("indicateur")
        && first[1..].iter().any(|h| {
            h.contains("initial")
                || h.contains("cible")
                || h.contains("reference")
                || h.contains("objectif")
                || h.contains("valeur")
        })
    {
        return Kind::Indicators;
    }
    if first.len() >= 3
        && first[1..]
            .iter()
            .all(|h| h.len() == 4 && years_in(h).len() == 1)
    {
        return Kind::Gantt;
    }
    // The Caf grid: cells that start with a known label, two a row in at least two rows.
    let grid_rows = t
        .rows
        .iter()
        .filter(|r| {
            r.len() >= 2
                && r.iter()
                    .filter(|c| c.vmerge != Some(false))
                    .all(|c| grid_cell(c).is_some_and(|(l, _, _)| field_of(&l).is_some()))
                && r.iter().filter(|c| c.vmerge != Some(false)).count() >= 2
        })
        .count();
    if grid_rows >= 2 {
        return Kind::Grid;
    }
    // Label | value rows, whatever share of the labels is known.
    let mut rows = 0;
    let mut ok = true;
    for r in &t.rows {
        if r.iter().all(|c| c.text().trim().is_empty()) {
            continue;
        }
        rows += 1;
        if r.len() != 2 {
            ok = false;
            break;
        }
        if r[0].vmerge == Some(false) {
            continue;
        }
        let lines = nonempty(&r[0].paragraphs);
        let label_like = lines.len() == 1
            && lines[0].chars().count() <= 80
            && !lines[0].ends_with('.')
            && !lines[0].ends_with(';');
        if !label_like {
            ok = false;
            break;
        }
    }
    if ok && rows >= 1 {
        Kind::LabelValue
    } else {
        Kind::Unknown
    }
}

/// «Action 1.2 : Créer…», «Fiche action n° 3 – …», «FICHE ACTION N°1 : …», «AXE 2 – …»,
/// «1. Petite enfance» → («1.2», «Créer…»).
pub fn split_numbered(title: &str) -> (Option<String>, String) {
    let t = title.trim();
    let lower = normalize(t);
    let skip_words = ["fiche action", "fiche", "action", "axe"];
    let Some(word) = skip_words.iter().find(|w| lower.starts_with(*w)) else {
        // «1. Petite enfance», «2 – Parentalité», «1.2 Créer…»
        let num: String = t
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let num_t = num.trim_end_matches('.');
        if !num_t.is_empty() && num_t.len() <= 5 && num_t.split('.').all(|p| p.len() <= 3) {
            let after = t[num.len()..].trim_start();
            if let Some(rest) = after
                .strip_prefix(['–', '-', '—', ':', ')'])
                .or((num.ends_with('.') || num_t.contains('.')).then_some(after))
            {
                let rest = rest.trim();
                if !rest.is_empty() {
                    return (Some(num_t.to_string()), rest.to_string());
                }
            }
        }
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

/// A heading or bold paragraph waiting to know what it titles.
#[derive(Debug, Clone)]
struct Title {
    para: usize,
    level: u8,
    text: String,
    /// The heading above it when it was read.
    above: String,
    /// Free paragraphs under it, with their index.
    under: Vec<(usize, String)>,
}

/// Per fiche: whether a separate indicator table or Gantt replaced what the grid said.
#[derive(Debug, Default, Clone)]
struct Aux {
    indicator_table: bool,
    gantt: bool,
    /// The cell lines of «Indicateurs» that a separate table replaces.
    cell_indicators: usize,
}

/// «Indicateurs», «Indicateurs chiffrés :», «Échéancier :», «Calendrier» — a caption that
/// announces a separate table or list of the current fiche.
fn caption_of(text: &str) -> Option<Field> {
    let t = text.trim().trim_end_matches(':').trim();
    let n = normalize(t);
    if n.len() > 60 {
        return None;
    }
    if n.starts_with("indicateur") || n.starts_with("criteres d evaluation") {
        return Some(Field::Indicateurs);
    }
    if n.starts_with("echeancier") || n.starts_with("echeances") || n == "calendrier" {
        return Some(Field::Echeancier);
    }
    match field_of(t) {
        Some(f @ (Field::PointsForts | Field::PointsFaibles)) => Some(f),
        _ => None,
    }
}

/// A heading that only structures the document (annexes, articles, préambule, sommaire…).
fn is_section(text: &str) -> bool {
    let n = normalize(text);
    [
        "annexe",
        "article",
        "preambule",
        "sommaire",
        "table des matieres",
        "plan d action",
        "plan d actions",
        "diagnostic partage",
        "convention territoriale globale",
    ]
    .iter()
    .any(|k| n == *k || n.starts_with(&format!("{k} ")))
}

fn is_explicit_axe(text: &str) -> bool {
    let n = normalize(text);
    n.starts_with("axe ") && n[4..].chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn title_level(p: &Paragraph, text: &str) -> Option<u8> {
    if p.toc {
        return None;
    }
    p.level.or_else(|| {
        (p.bold && text.chars().count() < 160 && !text.ends_with('.') && !text.ends_with(':'))
            .then(|| if p.size.unwrap_or(0) >= 28 { 1 } else { 4 })
    })
}

struct Ctx {
    ctg: Ctg,
    rep: Report,
    aux: Vec<Aux>,
    /// Index of the fiche being filled.
    current: Option<usize>,
    axe_id: String,
    explicit_axes: bool,
    titles: Vec<Title>,
    /// Nearest heading, for locations.
    heading: String,
    /// «Échéancier :» (or another caption) seen: the lines that follow are its list.
    list: Option<Field>,
    seq: usize,
    /// Where the reading is in the convention.
    section: Section,
    /// The article being read, by its number.
    article: Option<u32>,
}

impl Ctx {
    fn lose_titles(&mut self) {
        for t in std::mem::take(&mut self.titles) {
            let raison = if split_numbered(&t.text).0.is_some()
                || normalize(&t.text).starts_with("action")
            {
                "titre sans tableau de fiche ni contenu"
            } else {
                "titre sans contenu reconnu"
            };
            self.rep.lose(&t.text, At::Para(t.para), &t.above, raison);
            for (i, p) in t.under {
                self.rep
                    .lose(&p, At::Para(i), &t.text, "paragraphe hors fiche");
            }
        }
    }

    fn close_fiche(&mut self) {
        self.current = None;
        self.list = None;
    }

    fn axe_number(&self) -> Option<String> {
        self.ctg
            .axes
            .iter()
            .find(|a| a.id == self.axe_id)
            .map(|a| a.id.trim_start_matches("axe-").to_string())
    }

    /// Starts a fiche titled by `title` (numbered or not).
    fn start_fiche(&mut self, title: &str, disposition: Disposition, table: usize) -> usize {
        self.seq += 1;
        let (num, titre) = split_numbered(title);
        let mut id = match num {
            Some(n) => n,
            None => {
                let in_axe = self
                    .ctg
                    .fiches
                    .iter()
                    .filter(|f| f.axe == self.axe_id)
                    .count();
                match self.axe_number() {
                    Some(a) if !self.axe_id.is_empty() => format!("{a}.{}", in_axe + 1),
                    _ => format!("F{}", self.seq),
                }
            }
        };
        if self.ctg.fiches.iter().any(|f| f.id == id) {
            let base = id.clone();
            let mut k = 2;
            while self.ctg.fiches.iter().any(|f| f.id == id) {
                id = format!("{base}-{k}");
                k += 1;
            }
        }
        let disp_label = match disposition {
            Disposition::ModeleCaf => "modele_caf",
            _ => "points_forts",
        };
        self.ctg.fiches.push(FicheAction {
            id: id.clone(),
            titre: titre.clone(),
            axe: self.axe_id.clone(),
            disposition,
            ..Default::default()
        });
        self.rep.fiches.push(FicheReport {
            id,
            titre,
            disposition: disp_label.into(),
            tableaux: vec![table],
            ..Default::default()
        });
        self.aux.push(Aux::default());
        self.current = Some(self.ctg.fiches.len() - 1);
        self.list = None;
        self.ctg.fiches.len() - 1
    }

    /// The fiche a fiche table belongs to: a new one when a title waits, else the current one.
    fn fiche_for(
        &mut self,
        disposition: Disposition,
        table: usize,
        own_title: Option<&str>,
    ) -> Option<usize> {
        if let Some(t) = own_title {
            // A title row inside the table: the waiting titles are axes or lost.
            self.take_axe_from_titles(None);
            let i = self.start_fiche(t, disposition, table);
            return Some(i);
        }
        if !self.titles.is_empty() {
            let last = self.titles.pop().expect("non-empty");
            self.take_axe_from_titles(Some(last.level));
            let i = self.start_fiche(&last.text, disposition, table);
            self.rep.fate(&last.text, Fate::Parsed);
            for (_, p) in &last.under {
                self.ctg.fiches[i].autres.push(Rubrique {
                    libelle: String::new(),
                    texte: p.clone(),
                });
                self.rep.fate(p, Fate::Value);
            }
            return Some(i);
        }
        if let Some(i) = self.current {
            if !self.rep.fiches[i].tableaux.contains(&table) {
                self.rep.fiches[i].tableaux.push(table);
            }
            return Some(i);
        }
        None
    }

    /// Of the titles before a fiche's own, the last one above its level is its theme (when
    /// the plan has no «AXE n» headings); the others are lost.
    fn take_axe_from_titles(&mut self, fiche_level: Option<u8>) {
        let titles = std::mem::take(&mut self.titles);
        let theme = if self.explicit_axes {
            None
        } else {
            // The last title above the fiche's level; failing that, a title of the same
            // level just before it that is not itself a fiche title («Action 3 – …»).
            titles
                .iter()
                .rposition(|t| fiche_level.is_none_or(|l| t.level < l))
                .or_else(|| {
                    titles
                        .last()
                        .filter(|t| {
                            !normalize(&t.text).starts_with("action")
                                && !normalize(&t.text).starts_with("fiche")
                        })
                        .map(|_| titles.len() - 1)
                })
        };
        for (k, t) in titles.into_iter().enumerate() {
            if Some(k) == theme {
                self.axe_id = axe_from(&mut self.ctg, &t.text);
                self.rep.fate(&t.text, Fate::Parsed);
                for (i, p) in t.under {
                    self.rep.lose(
                        &p,
                        At::Para(i),
                        &t.text,
                        "paragraphe d'axe : le modèle n'a pas de texte d'axe",
                    );
                }
            } else {
                self.titles.push(t);
            }
        }
        self.lose_titles();
    }
}

/// Turns the blocks of a Word CTG into a model and an import report.
pub fn recognise(blocks: &[Block]) -> (Ctg, Report) {
    let mut cx = Ctx {
        ctg: Ctg::empty(),
        rep: Report::default(),
        aux: vec![],
        current: None,
        axe_id: String::new(),
        explicit_axes: false,
        titles: vec![],
        heading: String::new(),
        list: None,
        seq: 0,
        section: Section::Start,
        article: None,
    };
    let mut para_no = 0;
    let mut table_no = 0;
    for b in blocks {
        match b {
            Block::Para(p) => {
                para_no += 1;
                cx.rep.paragraphes += 1;
                if p.toc {
                    continue;
                }
                let shown = p.shown();
                let text = shown.trim();
                if text.is_empty() {
                    continue;
                }
                paragraph(&mut cx, p, text, para_no);
            }
            Block::Table(t) => {
                table_no += 1;
                cx.rep.tableaux += 1;
                table(&mut cx, t, table_no);
            }
        }
    }
    cx.lose_titles();
    period_from_title(&mut cx.ctg, &mut cx.rep);
    (cx.ctg, cx.rep)
}

/// «Convention territoriale globale 2025-2029 — …»: when the text dates the convention
/// nowhere (no «pour la période du … au …»), its title's years give the period, from the
/// 1st of January of the first to the 31st of December of the last, and the import says so.
fn period_from_title(ctg: &mut Ctg, rep: &mut Report) {
    let p = &ctg.convention.periode;
    if p.debut.is_some() || p.fin.is_some() {
        return;
    }
    let title = ctg.convention.titre.clone();
    let Some((a, b)) = years_span(&title) else {
        return;
    };
    let (Some(debut), Some(fin)) = (
        chrono::NaiveDate::from_ymd_opt(a, 1, 1),
        chrono::NaiveDate::from_ymd_opt(b, 12, 31),
    ) else {
        return;
    };
    ctg.convention.periode.debut = Some(debut);
    ctg.convention.periode.fin = Some(fin);
    rep.periode_du_titre = Some(PeriodeDuTitre {
        titre: title,
        debut,
        fin,
    });
}

/// The years «2025-2029», «2025 – 2029», «2025 à 2029» of a title, when they make a
/// convention's span (one to nine years).
fn years_span(title: &str) -> Option<(i32, i32)> {
    let words: Vec<&str> = title
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '/' | ',' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let year = |w: &str| {
        (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
            .then(|| w.parse::<i32>().ok())
            .flatten()
            .filter(|y| (2000..=2100).contains(y))
    };
    let years: Vec<i32> = words.iter().filter_map(|w| year(w)).collect();
    match years.as_slice() {
        [a, b] if (1..=9).contains(&(b - a)) => Some((*a, *b)),
        _ => None,
    }
}

fn paragraph(cx: &mut Ctx, p: &Paragraph, text: &str, no: usize) {
    // A caption of the current fiche: «Indicateurs chiffrés :», «Échéancier :».
    if cx.current.is_some()
        && cx.titles.is_empty()
        && let Some(f) = caption_of(text)
    {
        cx.list = Some(f);
        cx.rep.fate(text, Fate::Label);
        return;
    }
    let level = title_level(p, text);
    if let Some(level) = level {
        cx.list = None;
        if is_explicit_axe(text) {
            cx.lose_titles();
            cx.close_fiche();
            cx.explicit_axes = true;
            cx.axe_id = axe_from(&mut cx.ctg, text);
            cx.heading = text.to_string();
            cx.rep.fate(text, Fate::Parsed);
            return;
        }
        // The convention's title, before any fiche.
        if cx.ctg.convention.titre.is_empty()
            && cx.ctg.fiches.is_empty()
            && normalize(text).contains("convention territoriale globale")
        {
            cx.lose_titles();
            cx.ctg.convention.titre = text.to_string();
            cx.heading = text.to_string();
            cx.rep.fate(text, Fate::Value);
            return;
        }
        if p.level.is_some() && (is_section(text) || convention::section_of(text).is_some()) {
            cx.lose_titles();
            cx.close_fiche();
            cx.axe_id.clear();
            cx.heading = text.to_string();
            if let Some(sec) = convention::section_of(text) {
                cx.section = sec;
            }
            let n = normalize(text);
            cx.article = n
                .strip_prefix("article ")
                .and_then(|r| r.split(' ').next())
                .and_then(|d| d.parse().ok());
            cx.rep.fate(text, Fate::Structure);
            return;
        }
        if cx.current.is_none() && cx.titles.is_empty() {
            match cx.section {
                Section::Preambule => {
                    convention::preambule_title(&mut cx.ctg, text);
                    cx.heading = text.to_string();
                    cx.rep.fate(text, Fate::Value);
                    return;
                }
                Section::Annexe1 => {
                    convention::diagnostic_title(&mut cx.ctg, text);
                    cx.heading = text.to_string();
                    cx.rep.fate(text, Fate::Parsed);
                    return;
                }
                Section::Annexe4 => {
                    convention::instance(&mut cx.ctg, &[text.to_string()]);
                    cx.heading = text.to_string();
                    cx.rep.fate(text, Fate::Value);
                    return;
                }
                _ => {}
            }
        }
        if cx.section != Section::Annexe2
            && cx.ctg.territoire.epci.is_none()
            && cx.ctg.fiches.is_empty()
            && cx.titles.is_empty()
            && let Some(nom) = convention::epci_name(text)
        {
            convention::set_epci(&mut cx.ctg, &nom);
            cx.rep.fate(
                text,
                if nom == text {
                    Fate::Value
                } else {
                    Fate::Parsed
                },
            );
            return;
        }
        if convention::is_model_wording(text) {
            cx.lose_titles();
            cx.heading = text.to_string();
            cx.rep.fate(text, Fate::Label);
            return;
        }
        let above = std::mem::replace(&mut cx.heading, text.to_string());
        cx.titles.push(Title {
            para: no,
            level,
            text: text.to_string(),
            above,
            under: vec![],
        });
        return;
    }
    // A list under a caption: «• 2026 : …», List Bullet items, «2027-2028 : …».
    if let Some(i) = cx.current
        && cx.titles.is_empty()
        && let Some(field) = cx.list
    {
        match field {
            Field::Echeancier
                if !years_in(text).is_empty() || p.bullet || strip_bullet(text) != text =>
            {
                if !cx.aux[i].gantt {
                    cx.ctg.fiches[i].echeancier.extend(parse_echeances(text));
                }
                cx.rep.fate(text, Fate::Parsed);
                return;
            }
            Field::Indicateurs if p.bullet || strip_bullet(text) != text => {
                cx.ctg.fiches[i]
                    .indicateurs
                    .push(parse_indicator(strip_bullet(text)));
                cx.rep.fate(text, Fate::Parsed);
                return;
            }
            Field::PointsForts | Field::PointsFaibles if p.bullet || strip_bullet(text) != text => {
                let v = strip_bullet(text).to_string();
                if field == Field::PointsForts {
                    cx.ctg.fiches[i].points_forts.push(v);
                } else {
                    cx.ctg.fiches[i].points_faibles.push(v);
                }
                cx.rep.fate(text, Fate::Value);
                return;
            }
            _ => cx.list = None,
        }
    }
    if cx.current.is_none() {
        if convention::parties_sentence(&mut cx.ctg, text) {
            cx.rep.fate(text, Fate::Parsed);
            return;
        }
        if let Some(f) = convention::generated_wording(&mut cx.ctg, text) {
            // An Annexe 2 heading followed by «Aucun équipement déclaré.» is that list's.
            if cx.section == Section::Annexe2
                && normalize(text) == "aucun equipement declare"
                && let Some(t) = cx.titles.pop()
            {
                cx.rep.fate(&t.text, Fate::Structure);
                cx.heading = t.text;
            }
            cx.rep.fate(text, f);
            return;
        }
        // The convention around the plan: its own wording, parties, «Fait à».
        if convention::is_model_wording(text) || convention::is_party_connective(text) {
            // The options and the period are in the wording the model chose.
            convention::article_data(&mut cx.ctg, text);
            cx.rep.fate(text, Fate::Label);
            return;
        }
        if normalize(text).starts_with("du ") && convention::dates_in(text).len() == 2 {
            convention::article_data(&mut cx.ctg, text);
            cx.rep.fate(text, Fate::Parsed);
            return;
        }
        if cx.ctg.territoire.epci.is_none()
            && let Some(nom) = convention::epci_name(text)
        {
            convention::set_epci(&mut cx.ctg, &nom);
            cx.rep.fate(
                text,
                if nom == text {
                    Fate::Value
                } else {
                    Fate::Parsed
                },
            );
            return;
        }
        if convention::party(&mut cx.ctg, text) || convention::signed_at(&mut cx.ctg, text) {
            cx.rep.fate(text, Fate::Parsed);
            return;
        }
        if cx.titles.is_empty() {
            match cx.section {
                Section::Preambule => {
                    convention::preambule_text(&mut cx.ctg, text);
                    cx.rep.fate(text, Fate::Value);
                    return;
                }
                Section::Annexe1 => {
                    convention::diagnostic_text(&mut cx.ctg, text);
                    cx.rep.fate(text, Fate::Value);
                    return;
                }
                Section::Annexe4 if convention::instance_detail(&mut cx.ctg, text) => {
                    cx.rep.fate(text, Fate::Parsed);
                    return;
                }
                Section::Articles | Section::Start => {
                    if let Some(f) =
                        convention::article_bullet(&mut cx.ctg, text, cx.article, p.bullet)
                    {
                        cx.rep.fate(text, f);
                        return;
                    }
                    convention::article_data(&mut cx.ctg, text);
                }
                _ => {}
            }
        }
    }
    if let Some(t) = cx.titles.last_mut() {
        t.under.push((no, text.to_string()));
        return;
    }
    // «Fait à Quimper, le 12 mars 2025» right after the last fiche's table.
    if cx.current.is_some() && cx.titles.is_empty() && convention::signed_at(&mut cx.ctg, text) {
        cx.close_fiche();
        cx.rep.fate(text, Fate::Parsed);
        return;
    }
    let h = cx.heading.clone();
    let raison = if cx.current.is_some() {
        "paragraphe après le tableau de la fiche, rattaché à aucune rubrique"
    } else {
        "paragraphe hors fiche"
    };
    cx.rep.lose(text, At::Para(no), &h, raison);
}

/// Marks of one table: the fate of each non-empty line, by row, cell and line.
struct Marks {
    fates: Vec<Vec<Vec<Option<Fate>>>>,
}

impl Marks {
    fn new(t: &Table) -> Marks {
        Marks {
            fates: t
                .rows
                .iter()
                .map(|r| r.iter().map(|c| vec![None; c.paragraphs.len()]).collect())
                .collect(),
        }
    }
    fn cell(&mut self, r: usize, c: usize, fate: Fate) {
        if let Some(v) = self.fates.get_mut(r).and_then(|x| x.get_mut(c)) {
            v.iter_mut().for_each(|x| *x = Some(fate));
        }
    }
    fn line(&mut self, r: usize, c: usize, l: usize, fate: Fate) {
        if let Some(x) = self
            .fates
            .get_mut(r)
            .and_then(|x| x.get_mut(c))
            .and_then(|x| x.get_mut(l))
        {
            *x = Some(fate);
        }
    }
    /// Reports every line: its fate, or «non placé» with its location.
    fn account(self, cx: &mut Ctx, t: &Table, no: usize, raison: &str) {
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                for (l, line) in cell.paragraphs.iter().enumerate() {
                    let line = line.trim();
                    if line.is_empty() {
                        continue;
                    }
                    match self.fates[r][c][l] {
                        Some(f) if f != Fate::NotPlaced => cx.rep.fate(line, f),
                        _ => {
                            let h = cx.heading.clone();
                            cx.rep.lose(line, At::Cell(no, r + 1, c + 1), &h, raison);
                        }
                    }
                }
            }
        }
    }
}

fn table(cx: &mut Ctx, t: &Table, no: usize) {
    let mut marks = Marks::new(t);
    let kind = classify(t);
    // A caption («Indicateurs :») announces this table; the list it opened ends here.
    cx.list = None;
    let mut raison = "tableau non reconnu";
    match kind {
        Kind::Competences | Kind::Equipements => {
            // Its heading (or bold owner line) is the last waiting title.
            let owner = cx.titles.pop();
            cx.lose_titles();
            cx.close_fiche();
            if matches!(kind, Kind::Competences) {
                cx.rep.tableaux_competences += 1;
                if let Some(o) = &owner {
                    cx.rep.fate(&o.text, Fate::Structure);
                    for (i, p) in &o.under {
                        cx.rep
                            .lose(p, At::Para(*i), &o.text, "paragraphe hors fiche");
                    }
                }
                competences(&mut cx.ctg, t, &mut marks);
            } else {
                cx.rep.tableaux_equipements += 1;
                let used = equipements(
                    &mut cx.ctg,
                    t,
                    owner.as_ref().map(|o| o.text.as_str()),
                    &mut marks,
                );
                if let Some(o) = &owner {
                    if used {
                        cx.rep.fate(&o.text, Fate::Parsed);
                    } else {
                        cx.rep.fate(&o.text, Fate::Structure);
                    }
                    for (i, p) in &o.under {
                        cx.rep
                            .lose(p, At::Para(*i), &o.text, "paragraphe hors fiche");
                    }
                }
            }
        }
        Kind::PointsForts | Kind::LabelValue | Kind::Grid | Kind::Indicators | Kind::Gantt => {
            let own_title = match kind {
                Kind::Grid => grid_title(t),
                _ => None,
            };
            let known = t
                .rows
                .iter()
                .filter(|r| {
                    r.first()
                        .is_some_and(|c| field_of(&first_line(c)).is_some())
                })
                .count();
            let orphan = own_title.is_none() && cx.titles.is_empty() && cx.current.is_none();
            let fiche = if orphan {
                // No title and no fiche: only a table that names fiche fields starts one.
                match kind {
                    Kind::Grid | Kind::LabelValue | Kind::PointsForts
                        if known >= 2 || matches!(kind, Kind::Grid | Kind::PointsForts) =>
                    {
                        let disp = if matches!(kind, Kind::Grid) {
                            Disposition::ModeleCaf
                        } else {
                            Disposition::PointsForts
                        };
                        Some(cx.start_fiche("", disp, no))
                    }
                    _ => None,
                }
            } else {
                let disp = if matches!(kind, Kind::Grid) {
                    Disposition::ModeleCaf
                } else {
                    Disposition::PointsForts
                };
                cx.fiche_for(disp, no, own_title.as_ref().map(|(_, s)| s.as_str()))
            };
            match fiche {
                Some(i) => {
                    if let Some((r, _)) = own_title {
                        marks.cell(r, 0, Fate::Parsed);
                    }
                    match kind {
                        Kind::PointsForts => points_forts(cx, i, t, &mut marks),
                        Kind::LabelValue => label_value(cx, i, t, &mut marks),
                        Kind::Grid => grid(cx, i, t, &mut marks),
                        Kind::Indicators => indicators(cx, i, t, &mut marks),
                        Kind::Gantt => gantt(cx, i, t, &mut marks),
                        _ => {}
                    }
                }
                None => {
                    raison = "tableau de fiche sans titre ni fiche en cours";
                    push_unknown(cx, t);
                }
            }
        }
        Kind::Instances => {
            cx.lose_titles();
            cx.close_fiche();
            for c in 0..t.rows[0].len() {
                marks.cell(0, c, Fate::Label);
            }
            for (k, row) in t.rows.iter().enumerate().skip(1) {
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| nonempty(&c.paragraphs).join("\n"))
                    .collect();
                if cells.iter().all(|c| c.is_empty()) {
                    continue;
                }
                convention::instance(&mut cx.ctg, &cells);
                for c in 0..row.len() {
                    marks.cell(k, c, Fate::Value);
                }
            }
        }
        Kind::Signatures => {
            cx.lose_titles();
            cx.close_fiche();
            signatures(cx, t, &mut marks);
            raison = "bloc de signature : nom qui n'est celui d'aucune partie lue";
        }
        Kind::Projections => {
            let owner = cx.titles.pop();
            cx.lose_titles();
            cx.close_fiche();
            let title = owner.as_ref().map(|o| o.text.clone()).unwrap_or_default();
            if projections_table(&mut cx.ctg, t, &title, &mut marks)
                && let Some(o) = &owner
            {
                cx.rep.fate(&o.text, Fate::Parsed);
            }
            raison = "tableau de projection : ligne non lue";
        }
        Kind::Unknown => {
            push_unknown(cx, t);
        }
    }
    marks.account(cx, t, no, raison);
}

/// A projection table under «Projection de l'offre d'accueil du jeune enfant – Fouesnant[ –
/// zone Nord]»: one line per mode that holds a figure or a need (the empty lines ctg writes
/// for every mode are only labels). `true` when its heading named the AO.
fn projections_table(ctg: &mut Ctg, t: &Table, title: &str, marks: &mut Marks) -> bool {
    use crate::model::{BesoinsEmplois, Investissement, LigneProjection, Projection, ValeurAnnee};
    use crate::referentials::{ModeAccueil, TypeInvestissement};
    // The heading names the AO (and the zone).
    let owner = title
        .split_once(" – ")
        .map(|(_, rest)| rest.trim())
        .filter(|_| normalize(title).starts_with("projection"));
    let (nom, zone) = match owner {
        Some(o) => match o.split_once(" – zone ") {
            Some((n, z)) => (n.trim().to_string(), z.trim().to_string()),
            None => (o.to_string(), String::new()),
        },
        None => (String::new(), String::new()),
    };
    // The header rows: the one holding the years gives the columns.
    let year_row = t.rows.iter().position(|r| {
        r.iter()
            .any(|c| years_in(&c.text()).len() == 1 && c.text().trim().len() == 4)
    });
    let header_end = year_row.map_or(1, |r| r + 1);
    for r in 0..header_end.min(t.rows.len()) {
        for c in 0..t.rows[r].len() {
            marks.cell(r, c, Fate::Label);
        }
    }
    let years: Vec<(usize, i32)> = year_row
        .map(|r| {
            t.rows[r]
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let y = c.text().trim().parse::<i32>().ok()?;
                    (2000..=2100).contains(&y).then_some((i, y))
                })
                .collect()
        })
        .unwrap_or_default();
    let after = years.last().map_or(2, |(i, _)| i + 1);
    let lines = |c: &CellW| nonempty(&c.paragraphs);
    let num = |c: Option<&CellW>| c.and_then(|c| number_and_unit(&c.text())).map(|(v, _)| v);
    let mut out = Projection {
        ao: if nom.is_empty() {
            String::new()
        } else {
            owner_code(ctg, &nom)
        },
        zone,
        lignes: Vec::new(),
    };
    for (r, row) in t.rows.iter().enumerate().skip(header_end) {
        let Some(first) = row.first() else { continue };
        let label = first.text();
        let mode_text = label.split(" (").next().unwrap_or("").trim().to_string();
        let mode = match ModeAccueil::match_label(&mode_text) {
            Match::Exact(m) | Match::Close(m) => m,
            _ => continue,
        };
        marks.cell(r, 0, Fate::Label);
        let filled = row.iter().skip(1).any(|c| !c.text().trim().is_empty());
        if !filled {
            continue;
        }
        let mut l = LigneProjection {
            mode,
            actuel: num(row.get(1)),
            ..Default::default()
        };
        for (i, y) in &years {
            if let Some(v) = num(row.get(*i)) {
                l.annees.push(ValeurAnnee {
                    annee: *y,
                    valeur: v,
                });
            }
        }
        let mut emplois = BesoinsEmplois::default();
        let mut metiers = Vec::new();
        for line in row.get(after).map(lines).unwrap_or_default() {
            if let Some(v) = line.strip_suffix(" ETP vacants") {
                emplois.etp_vacants = number_and_unit(v).map(|x| x.0);
            } else if let Some(v) = line.strip_suffix(" ETP à créer") {
                emplois.etp_a_creer = number_and_unit(v).map(|x| x.0);
            } else {
                metiers.push(line);
            }
        }
        emplois.metiers = metiers.join("\n");
        l.emplois = emplois;
        l.autres_besoins = row.get(after + 1).map(lines).unwrap_or_default().join("\n");
        let kinds = row.get(after + 2).map(lines).unwrap_or_default();
        let costs = row.get(after + 3).map(lines).unwrap_or_default();
        let engineering = row.get(after + 4).map(lines).unwrap_or_default();
        for (k, line) in kinds.iter().enumerate() {
            let (kind, description) = line.split_once(" : ").unwrap_or((line.as_str(), ""));
            let type_projet = match TypeInvestissement::match_label(kind) {
                Match::Exact(t) | Match::Close(t) => t,
                _ => continue,
            };
            let (cout, calendrier) = match costs.get(k) {
                Some(c) => match c.split_once(" € ; ") {
                    Some((n, cal)) => (number_and_unit(n).map(|x| x.0), cal.to_string()),
                    None => (None, c.clone()),
                },
                None => (None, String::new()),
            };
            l.investissements.push(Investissement {
                type_projet,
                description: description.to_string(),
                cout,
                calendrier,
                ingenierie: engineering.get(k).cloned().unwrap_or_default(),
            });
        }
        for c in 1..row.len() {
            marks.cell(r, c, Fate::Parsed);
        }
        out.lignes.push(l);
    }
    let named = !out.ao.is_empty();
    if !out.lignes.is_empty() {
        ctg.projections.push(out);
    }
    named
}

/// Signature blocks: «Pour …», the quality, the name. The name is placed when it is that of a
/// party already read (the Caf's president or director, a signatory's representative).
fn signatures(cx: &mut Ctx, t: &Table, marks: &mut Marks) {
    let c = &cx.ctg.convention;
    let bare = |s: &str| {
        let n = normalize(s);
        ["m ", "mme ", "madame ", "monsieur "]
            .iter()
            .find_map(|c| n.strip_prefix(c).map(str::to_string))
            .unwrap_or(n)
    };
    let mut known: Vec<String> = vec![bare(&c.caf.president), bare(&c.caf.directeur)];
    known.extend(c.signataires.iter().map(|s| bare(&s.representant)));
    known.retain(|k| !k.is_empty());
    for (r, row) in t.rows.iter().enumerate() {
        for (k, cell) in row.iter().enumerate() {
            let lines: Vec<(usize, &String)> = cell
                .paragraphs
                .iter()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            for (j, (l, text)) in lines.iter().enumerate() {
                let fate = if j == 0 {
                    Some(Fate::Label)
                } else if known.contains(&bare(text)) {
                    Some(Fate::Parsed)
                } else if j == 1 && lines.len() > 2 {
                    // The quality line («Le maire», «La directrice»).
                    Some(Fate::Label)
                } else {
                    None
                };
                if let Some(f) = fate {
                    marks.line(r, k, *l, f);
                }
            }
        }
    }
}

fn push_unknown(cx: &mut Ctx, t: &Table) {
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
    cx.rep.non_reconnus.push(first.chars().take(200).collect());
}

/// A first row of one cell (merged across the table) that is not a label: the fiche's title.
fn grid_title(t: &Table) -> Option<(usize, String)> {
    let r = t.rows.first()?;
    if r.len() != 1 {
        return None;
    }
    let text = nonempty(&r[0].paragraphs).join(" ");
    let label = text.split(':').next().unwrap_or(&text);
    (!text.is_empty() && field_of(label).is_none() && field_of(&text).is_none())
        .then_some((0, text))
}

fn points_forts(cx: &mut Ctx, i: usize, t: &Table, marks: &mut Marks) {
    let (f, r) = (&mut cx.ctg.fiches[i], &mut cx.rep.fiches[i]);
    for (k, row) in t.rows.iter().enumerate() {
        if k == 0 {
            marks.cell(0, 0, Fate::Label);
            marks.cell(0, 1, Fate::Label);
            continue;
        }
        if let Some(c) = row.first() {
            let fate = apply(f, Field::PointsForts, "Points forts", &c.paragraphs, r);
            marks.cell(k, 0, fate);
        }
        if let Some(c) = row.get(1) {
            let fate = apply(f, Field::PointsFaibles, "Points faibles", &c.paragraphs, r);
            marks.cell(k, 1, fate);
        }
    }
}

fn place_label(
    f: &mut FicheAction,
    r: &mut FicheReport,
    aux: &mut Aux,
    label: &str,
    values: &[String],
) -> Fate {
    match field_of(label) {
        Some(field) => {
            if field == Field::Indicateurs {
                if aux.indicator_table {
                    // A separate table already gave the indicators; the cell points to it.
                    r.champs
                        .push(format!("{label} → Indicateurs (tableau séparé)"));
                    return Fate::Parsed;
                }
                aux.cell_indicators += nonempty(values).len();
            }
            if field == Field::Echeancier && aux.gantt {
                let e: Vec<Echeance> = parse_echeances(&nonempty(values).join("\n"))
                    .into_iter()
                    .filter(|e| e.debut.is_some() || e.fin.is_some())
                    .collect();
                f.echeancier.extend(e);
                return Fate::Parsed;
            }
            apply(f, field, label, values, r)
        }
        None => {
            r.autres.push(label.to_string());
            f.autres.push(Rubrique {
                libelle: label.to_string(),
                texte: nonempty(values).join("\n"),
            });
            Fate::Value
        }
    }
}

fn label_value(cx: &mut Ctx, i: usize, t: &Table, marks: &mut Marks) {
    let (f, r, aux) = (&mut cx.ctg.fiches[i], &mut cx.rep.fiches[i], &mut cx.aux[i]);
    // A label merged over several rows (vMerge) holds one value per row.
    let mut k = 0;
    while k < t.rows.len() {
        let row = &t.rows[k];
        if row.len() < 2 || row.iter().all(|c| c.text().trim().is_empty()) {
            k += 1;
            continue;
        }
        let label = first_line(&row[0]);
        let mut values: Vec<String> = row[1..]
            .iter()
            .flat_map(|c| c.paragraphs.iter().cloned())
            .collect();
        let mut end = k + 1;
        while end < t.rows.len() && t.rows[end].first().is_some_and(|c| c.vmerge == Some(false)) {
            values.extend(
                t.rows[end][1..]
                    .iter()
                    .flat_map(|c| c.paragraphs.iter().cloned()),
            );
            end += 1;
        }
        if label.trim().is_empty() {
            // A value without a label: kept as an «autres» rubrique without label.
            let text = nonempty(&values).join("\n");
            if !text.is_empty() {
                f.autres.push(Rubrique {
                    libelle: String::new(),
                    texte: text,
                });
                for j in k..end {
                    for c in 1..t.rows[j].len() {
                        marks.cell(j, c, Fate::Value);
                    }
                }
            }
            k = end;
            continue;
        }
        let fate = place_label(f, r, aux, label.trim(), &values);
        marks.cell(
            k,
            0,
            if field_of(&label).is_some() {
                Fate::Label
            } else {
                Fate::Value
            },
        );
        for j in k..end {
            for c in 1..t.rows[j].len() {
                marks.cell(j, c, fate);
            }
        }
        k = end;
    }
}

fn grid(cx: &mut Ctx, i: usize, t: &Table, marks: &mut Marks) {
    let (f, r, aux) = (&mut cx.ctg.fiches[i], &mut cx.rep.fiches[i], &mut cx.aux[i]);
    for (k, row) in t.rows.iter().enumerate() {
        if k == 0 && grid_title(t).is_some() {
            continue;
        }
        for (c, cell) in row.iter().enumerate() {
            let Some((label, values, own_line)) = grid_cell(cell) else {
                continue;
            };
            let idx = cell
                .paragraphs
                .iter()
                .position(|p| !p.trim().is_empty())
                .unwrap_or(0);
            let known = field_of(&label).is_some();
            let fate = place_label(f, r, aux, &label, &values);
            marks.cell(k, c, fate);
            if own_line {
                marks.line(k, c, idx, if known { Fate::Label } else { Fate::Value });
            } else if fate == Fate::Value {
                // «Public cible : Enfants…» in one line: the value is in the model, the line
                // as a whole is not.
                marks.line(k, c, idx, Fate::Parsed);
            }
        }
    }
}

fn indicators(cx: &mut Ctx, i: usize, t: &Table, marks: &mut Marks) {
    let (f, r, aux) = (&mut cx.ctg.fiches[i], &mut cx.rep.fiches[i], &mut cx.aux[i]);
    let header: Vec<String> = t.rows[0].iter().map(|c| normalize(&c.text())).collect();
    let col = |keys: &[&str]| {
        header
            .iter()
            .position(|h| keys.iter().any(|k| h.contains(k)))
    };
    let initial = col(&["initial", "reference", "depart", "actuel"]);
    let target = col(&["cible", "objectif", "attendu"]);
    for c in 0..t.rows[0].len() {
        marks.cell(0, c, Fate::Label);
    }
    if !aux.indicator_table {
        // The table replaces the lines of the grid's «Indicateurs» cell («Voir le tableau…»).
        let keep = f.indicateurs.len().saturating_sub(aux.cell_indicators);
        f.indicateurs.truncate(keep);
        aux.indicator_table = true;
    }
    let mut baselines = Vec::new();
    for (k, row) in t.rows.iter().enumerate().skip(1) {
        let libelle = row
            .first()
            .map(|c| nonempty(&c.paragraphs).join(" "))
            .unwrap_or_default();
        if libelle.is_empty() {
            continue;
        }
        marks.cell(k, 0, Fate::Value);
        let mut ind = Indicateur {
            libelle: libelle.clone(),
            ..Default::default()
        };
        if let Some(tc) = target.and_then(|c| row.get(c)) {
            let v = tc.text().trim().to_string();
            match number_and_unit(&v) {
                Some((n, u)) => {
                    ind.cible = Some(n);
                    ind.unite = u;
                    marks.cell(k, target.unwrap_or(0), Fate::Parsed);
                }
                None if !v.is_empty() => {
                    baselines.push(format!("{libelle} : cible {v}"));
                    marks.cell(k, target.unwrap_or(0), Fate::Value);
                }
                None => {}
            }
        }
        if let Some(ic) = initial.and_then(|c| row.get(c)) {
            let v = ic.text().trim().to_string();
            match number_and_unit(&v) {
                Some((n, u)) => {
                    ind.valeur_initiale = Some(n);
                    if ind.unite.is_empty() {
                        ind.unite = u;
                    }
                    marks.cell(k, initial.unwrap_or(0), Fate::Parsed);
                }
                // A baseline that is not a number («–», «non mesuré») is kept as written.
                None if !v.is_empty() => {
                    baselines.push(format!("{libelle} : {v}"));
                    marks.cell(k, initial.unwrap_or(0), Fate::Value);
                }
                None => {}
            }
        }
        f.indicateurs.push(ind);
    }
    if !baselines.is_empty() {
        f.autres.push(Rubrique {
            libelle: "Valeurs initiales des indicateurs".into(),
            texte: baselines.join("\n"),
        });
        r.autres.push("Valeurs initiales des indicateurs".into());
    }
    r.champs.push("tableau d'indicateurs → Indicateurs".into());
}

fn gantt(cx: &mut Ctx, i: usize, t: &Table, marks: &mut Marks) {
    let (f, r, aux) = (&mut cx.ctg.fiches[i], &mut cx.rep.fiches[i], &mut cx.aux[i]);
    let years: Vec<Option<i32>> = t.rows[0]
        .iter()
        .map(|c| years_in(&c.text()).first().copied())
        .collect();
    for c in 0..t.rows[0].len() {
        marks.cell(0, c, Fate::Label);
    }
    if !aux.gantt {
        // The grid's «voir l'échéancier ci-dessous»: entries without a year give way.
        f.echeancier
            .retain(|e| e.debut.is_some() || e.fin.is_some());
        aux.gantt = true;
    }
    for (k, row) in t.rows.iter().enumerate().skip(1) {
        let jalon = row
            .first()
            .map(|c| nonempty(&c.paragraphs).join(" "))
            .unwrap_or_default();
        let marked: Vec<i32> = row
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| !c.text().trim().is_empty())
            .filter_map(|(c, _)| years.get(c).copied().flatten())
            .collect();
        if jalon.is_empty() && marked.is_empty() {
            continue;
        }
        f.echeancier.push(Echeance {
            debut: marked.first().copied(),
            fin: marked.last().copied(),
            jalon,
        });
        marks.cell(k, 0, Fate::Value);
        for c in 1..row.len() {
            marks.cell(k, c, Fate::Parsed);
        }
    }
    r.champs.push("échéancier en tableau → Échéancier".into());
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

/// «☒ Exercée par la commune ou ☐ Transférée par la commune à l'EPCI» in one paragraph, or
/// one box a paragraph: the wording after the ticked box.
fn status_of(c: &CellW) -> StatutAo {
    let text = c.paragraphs.join("\n");
    let mut rest = text.as_str();
    while let Some(i) = rest.find('☒') {
        let after = &rest[i + '☒'.len_utf8()..];
        let end = after.find(['☐', '☒', '\n']).unwrap_or(after.len());
        let n = normalize(&after[..end]);
        if n.contains("transfer") {
            return StatutAo::Transferee;
        }
        if n.contains("exerce") {
            return StatutAo::Exercee;
        }
        rest = after;
    }
    StatutAo::NonExercee
}

/// INSEE codes of the communes of that name (typographic apostrophes as straight ones).
fn commune_candidates(nom: &str) -> Vec<String> {
    let q = nom.replace('’', "'");
    match referentiel().search(&q).as_slice() {
        [Found::Commune(c)] => vec![c.insee.to_string()],
        found => found
            .iter()
            .filter_map(|f| match f {
                Found::Commune(c) if normalize(c.nom) == normalize(&q) => Some(c.insee.to_string()),
                _ => None,
            })
            .collect(),
    }
}

fn department(insee: &str) -> &str {
    if insee.starts_with("97") {
        insee.get(..3).unwrap_or(insee)
    } else {
        insee.get(..2).unwrap_or(insee)
    }
}

fn competences(ctg: &mut Ctg, t: &Table, marks: &mut Marks) {
    let before = ctg.territoire.communes.len();
    for c in 0..t.rows[0].len() {
        marks.cell(0, c, Fate::Label);
    }
    for (k, row) in t.rows.iter().enumerate().skip(1) {
        if row.len() < 6 {
            continue;
        }
        let nom = row[0].text().trim().to_string();
        let n = normalize(&nom);
        if nom.is_empty()
            || n == "epci"
            || n.starts_with("communaute")
            || row[2..6]
                .iter()
                .any(|c| normalize(&c.text()).contains("ensemble des communes"))
        {
            // The EPCI row restates the communes' transfers: read as the model's wording.
            for c in 0..row.len() {
                marks.cell(k, c, Fate::Label);
            }
            continue;
        }
        let digits: String = row[1]
            .text()
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let mut c = Commune {
            insee: String::new(),
            nom,
            population_totale: digits.parse().ok(),
            ..Default::default()
        };
        for (j, comp) in crate::referentials::CompetenceAo::all().iter().enumerate() {
            c.competences.set(*comp, status_of(&row[2 + j]));
        }
        for j in 0..row.len() {
            marks.cell(k, j, if j == 0 { Fate::Value } else { Fate::Parsed });
        }
        ctg.territoire.communes.push(c);
    }
    // Homonyms («L'Épine» in Marne and in Hautes-Alpes): the department of the communes
    // whose name is unique decides.
    let first = before;
    let candidates: Vec<Vec<String>> = ctg.territoire.communes[first..]
        .iter()
        .map(|c| commune_candidates(&c.nom))
        .collect();
    let mut deps: Vec<&str> = candidates
        .iter()
        .filter(|c| c.len() == 1)
        .map(|c| department(&c[0]))
        .collect();
    deps.sort_unstable();
    let main = deps
        .chunk_by(|a, b| a == b)
        .max_by_key(|g| g.len())
        .and_then(|g| g.first().copied());
    for (c, cands) in ctg.territoire.communes[first..].iter_mut().zip(&candidates) {
        c.insee = match cands.as_slice() {
            [one] => one.clone(),
            many => many
                .iter()
                .find(|i| Some(department(i)) == main)
                .cloned()
                .unwrap_or_default(),
        };
    }
}

/// Annexe 2 tables; `true` when the owner came from the heading (Type | Nom | Adresse shape).
fn equipements(ctg: &mut Ctg, t: &Table, heading: Option<&str>, marks: &mut Marks) -> bool {
    let first: Vec<String> = t.rows[0].iter().map(|c| normalize(&c.text())).collect();
    let caf_shape = first[0].starts_with("nom de la collectivite");
    let (owner, body_start, from_heading) = if caf_shape {
        marks.cell(0, 0, Fate::Label);
        marks.cell(0, 1, Fate::Parsed);
        for c in 0..t.rows[1].len() {
            marks.cell(1, c, Fate::Label);
        }
        (
            t.rows[0]
                .get(1)
                .map(|c| nonempty(&c.paragraphs).join(" "))
                .unwrap_or_default(),
            2,
            false,
        )
    } else {
        for c in 0..t.rows[0].len() {
            marks.cell(0, c, Fate::Label);
        }
        (heading.unwrap_or_default().to_string(), 1, true)
    };
    // «La communauté de communes du …» (ctg's own Annexe 2 headings) as well as the bare name.
    if let Some(nom) = convention::epci_name(owner.trim().trim_start_matches("La ")) {
        convention::set_epci(ctg, &nom);
    }
    let address_col = first.iter().position(|h| h.starts_with("adresse"));
    let code = owner_code(ctg, &owner);
    for (k, row) in t.rows.iter().enumerate().skip(body_start) {
        let (Some(tc), Some(nc)) = (row.first(), row.get(1)) else {
            continue;
        };
        let type_text = nonempty(&tc.paragraphs).join(" ");
        let lines = nonempty(&nc.paragraphs);
        marks.cell(k, 0, Fate::Label);
        if lines.is_empty() {
            continue;
        }
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
        if !libelle_autre.is_empty() {
            marks.cell(k, 0, Fate::Parsed);
        }
        let mut items: Vec<(String, String)> = Vec::new();
        if let Some(ac) = address_col {
            items.push((
                lines.join(" "),
                row.get(ac)
                    .map(|c| nonempty(&c.paragraphs).join(", "))
                    .unwrap_or_default(),
            ));
            marks.cell(k, ac, Fate::Value);
            marks.cell(k, 1, Fate::Value);
        } else if lines.iter().any(|l| l.contains(" – ") || l.contains(" - ")) {
            marks.cell(k, 1, Fate::Parsed);
            // «nom – adresse», one structure a line.
            for l in &lines {
                let (n, a) = l
                    .split_once(" – ")
                    .or_else(|| l.split_once(" - "))
                    .unwrap_or((l.as_str(), ""));
                items.push((n.trim().to_string(), a.trim().to_string()));
            }
        } else {
            // Name, then address lines; a line after an address that ends with its postcode
            // and town starts the next structure.
            for l in &lines {
                match items.last_mut() {
                    Some((_, a)) if !has_postcode(a) => {
                        if !a.is_empty() {
                            a.push_str(", ");
                        }
                        a.push_str(l);
                    }
                    _ => items.push((l.clone(), String::new())),
                }
            }
            marks.cell(k, 1, Fate::Value);
        }
        for (nom, adresse) in items {
            ctg.equipements.push(Equipement {
                collectivite: code.clone(),
                type_structure,
                libelle_autre: libelle_autre.clone(),
                nom,
                adresse,
                commune: String::new(),
            });
        }
    }
    from_heading && heading.is_some()
}

/// «51470 Saint-Memmie»: a French postcode in the text.
fn has_postcode(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_digit()).any(|w| w.len() == 5)
}

fn owner_code(ctg: &Ctg, owner: &str) -> String {
    // Noun phrases as ctg writes them: «La commune d'Ergué-Gabéric», «La commune du Havre»,
    // «La communauté de communes du Pays Fouesnantais».
    let phrase = owner
        .trim()
        .trim_start_matches("La ")
        .trim_start_matches("la ");
    if let Some(nom) = convention::epci_name(phrase) {
        if let Some(e) = &ctg.territoire.epci
            && !e.siren.is_empty()
        {
            return e.siren.clone();
        }
        // The referential abbreviates the nature: «CC du Pays Fouesnantais».
        let short = [
            ("Communauté de communes ", "CC "),
            ("Communauté d'agglomération ", "CA "),
            ("Communauté urbaine ", "CU "),
        ]
        .iter()
        .find_map(|(long, abbr)| {
            let n = nom.trim();
            let head = n.get(..long.len())?;
            (normalize(head) == normalize(long)).then(|| format!("{abbr}{}", &n[long.len()..]))
        });
        if let Some(short) = short
            && let [Found::Epci(e)] = referentiel().search(&short).as_slice()
        {
            return e.siren.to_string();
        }
    }
    let restored;
    let phrase = if let Some(rest) = phrase.strip_prefix("commune du ") {
        restored = format!("Le {rest}");
        restored.as_str()
    } else if let Some(rest) = phrase.strip_prefix("commune des ") {
        restored = format!("Les {rest}");
        restored.as_str()
    } else {
        phrase
    };
    let bare = phrase
        .trim()
        .trim_start_matches("Commune de ")
        .trim_start_matches("Commune d'")
        .trim_start_matches("Commune d’")
        .trim_start_matches("commune de ")
        .trim_start_matches("commune d'")
        .trim_start_matches("commune d’")
        .trim_start_matches("Ville de ")
        .trim();
    let q = bare.replace('’', "'");
    match referentiel().search(&q).as_slice() {
        [Found::Commune(c)] => c.insee.to_string(),
        [Found::Epci(e)] => e.siren.to_string(),
        _ => ctg
            .territoire
            .communes
            .iter()
            .find(|c| c.nom == bare || c.nom == owner)
            .map(|c| c.insee.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| owner.to_string()),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_titles_years_make_a_span_only_when_they_are_two() {
        assert_eq!(
            super::years_span(
                "Convention Territoriale Globale 2025-2029 — Commune d'Ergué-Gabéric"
            ),
            Some((2025, 2029))
        );
        assert_eq!(super::years_span("CTG 2024–2028"), Some((2024, 2028)));
        assert_eq!(super::years_span("CTG de 2026 à 2030"), Some((2026, 2030)));
        assert_eq!(super::years_span("CTG 2025-2029, signée en 2025"), None);
        assert_eq!(super::years_span("CTG 2029-2025"), None);
        assert_eq!(super::years_span("CTG 2025"), None);
        assert_eq!(super::years_span("CTG n° 12345-2029"), None);
    }
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
    fn e(debut: Option<i32>, fin: Option<i32>, jalon: &str) -> Echeance {
        Echeance {
            debut,
            fin,
            jalon: jalon.into(),
        }
    }

    #[test]
    fn echeances_with_months_semesters_ranges_and_bullets() {
        let got = parse_echeances(
            "Septembre 2026 : mise en ligne\n1er semestre 2027 : bilan\nÉté 2026 : réunion\nDe 2026 à 2028 : sessions\n• 2026 : choix\n- 2029 : évaluation\nDès 2027 puis chaque année : bilan annuel\n2028-2030 : suivi\nVoir l'échéancier ci-dessous.",
        );
        assert_eq!(
            got,
            [
                e(Some(2026), Some(2026), "Septembre 2026 : mise en ligne"),
                e(Some(2027), Some(2027), "1er semestre 2027 : bilan"),
                e(Some(2026), Some(2026), "Été 2026 : réunion"),
                e(Some(2026), Some(2028), "sessions"),
                e(Some(2026), Some(2026), "choix"),
                e(Some(2029), Some(2029), "évaluation"),
                e(
                    Some(2027),
                    None,
                    "Dès 2027 puis chaque année : bilan annuel"
                ),
                e(Some(2028), Some(2030), "suivi"),
                e(None, None, "Voir l'échéancier ci-dessous."),
            ]
        );
    }

    fn c(paras: &[&str]) -> CellW {
        CellW {
            paragraphs: paras.iter().map(|p| p.to_string()).collect(),
            span: 1,
            vmerge: None,
        }
    }

    #[test]
    fn ao_wording_in_one_paragraph_reads_the_ticked_box() {
        assert_eq!(
            status_of(&c(&[
                "☒ Exercée par la commune ou ☐ Transférée par la commune à l'EPCI"
            ])),
            StatutAo::Exercee
        );
        assert_eq!(
            status_of(&c(&[
                "☐ Exercée par la commune ou ☒ Transférée par la commune à l’EPCI"
            ])),
            StatutAo::Transferee
        );
        assert_eq!(
            status_of(&c(&["☐ Exercée", "☒ Transférée à l'EPCI"])),
            StatutAo::Transferee
        );
        assert_eq!(
            status_of(&c(&["☐ Exercée ☐ Transférée"])),
            StatutAo::NonExercee
        );
    }

    #[test]
    fn a_label_value_table_is_a_fiche_whatever_share_of_labels_is_known() {
        let t = Table {
            rows: [
                "Public visé",
                "Constat",
                "Budget prévisionnel",
                "Financeurs",
                "Moyens",
            ]
            .iter()
            .map(|l| vec![c(&[l]), c(&["une valeur"])])
            .collect(),
            depth: 0,
        };
        assert!(matches!(classify(&t), Kind::LabelValue));
        // Sentences in the first column are not labels.
        let t = Table {
            rows: vec![vec![c(&["Une phrase entière, avec un point."]), c(&["x"])]],
            depth: 0,
        };
        assert!(matches!(classify(&t), Kind::Unknown));
    }

    #[test]
    fn synonyms_of_non_model_labels() {
        assert_eq!(field_of("Public visé"), Some(Field::PublicCible));
        assert_eq!(field_of("Public"), Some(Field::PublicCible));
        assert_eq!(field_of("Constat"), Some(Field::DiagnosticInitial));
        assert_eq!(field_of("Contenu de l'action"), Some(Field::Description));
        assert_eq!(field_of("Critères d'évaluation"), Some(Field::Indicateurs));
        assert_eq!(field_of("Porteur de l'action"), Some(Field::Pilote));
        assert_eq!(field_of("Financeurs"), None);
        assert_eq!(field_of("Publication"), None);
    }

    #[test]
    fn pilot_named_in_the_services() {
        assert_eq!(
            pilot_mark("Relais petite enfance (responsable)").as_deref(),
            Some("Relais petite enfance")
        );
        assert_eq!(
            pilot_mark("Centre social L'Escale, pilote").as_deref(),
            Some("Centre social L'Escale")
        );
        assert_eq!(pilot_mark("Coordinatrice enfance-jeunesse"), None);
    }
    #[test]
    fn titles_numbered_in_every_writing() {
        assert_eq!(
            split_numbered("FICHE ACTION N°3 : Organiser une semaine"),
            (Some("3".into()), "Organiser une semaine".into())
        );
        assert_eq!(
            split_numbered("Action 2.1 – Ouvrir un café"),
            (Some("2.1".into()), "Ouvrir un café".into())
        );
        assert_eq!(
            split_numbered("1. Petite enfance"),
            (Some("1".into()), "Petite enfance".into())
        );
        assert_eq!(
            split_numbered("AXE 2 – Parentalité"),
            (Some("2".into()), "Parentalité".into())
        );
        // A year is not a number of fiche.
        assert_eq!(split_numbered("2026-2030").0, None);
    }
}
