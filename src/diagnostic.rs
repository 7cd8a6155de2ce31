//! Diagnostics: the one type every reader and rule reports with.
//!
//! Terminal output, JSON, annotated workbooks and consolidated «Anomalies» sheets are all
//! renderings of a `Vec<Diagnostic>`; codes and severities come from `rules::RULES`.

use serde::{Serialize, Serializer};
use std::fmt;

pub use crate::codes::{Code, Severity};

/// Where a problem is: a JSON pointer in a model, or a file / sheet / cell in a workbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// A cell like `C7`, or a row like `7` when the whole row is concerned.
    pub cell: Option<String>,
    /// A JSON pointer like `/territoire/communes/0/population_totale`.
    pub pointer: Option<String>,
}

impl Location {
    pub fn pointer(p: impl Into<String>) -> Self {
        Location {
            pointer: Some(p.into()),
            ..Default::default()
        }
    }

    pub fn file(f: impl Into<String>) -> Self {
        Location {
            file: Some(f.into()),
            ..Default::default()
        }
    }

    pub fn cell(file: Option<&str>, sheet: &str, cell: impl Into<String>) -> Self {
        Location {
            file: file.map(str::to_string),
            sheet: Some(sheet.to_string()),
            cell: Some(cell.into()),
            pointer: None,
        }
    }

    pub fn with_file(mut self, f: &str) -> Self {
        self.file = Some(f.to_string());
        self
    }
}

impl Location {
    /// For people: a whole row reads «Suivi, ligne 3» (the `lieu` of the JSON contract keeps
    /// «Suivi!3»); a cell «Suivi!C3», as Excel writes it.
    pub fn human(&self) -> String {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => {
                let mut l = self.clone();
                l.sheet = Some(format!("{s}, ligne {c}"));
                l.cell = None;
                l.to_string()
            }
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => parts.push(format!("{s}!{c}")),
            (Some(s), None) => parts.push(s.clone()),
            _ => {}
        }
        if let Some(p) = &self.pointer {
            parts.push(if p.is_empty() { "/".into() } else { p.clone() });
        }
        f.write_str(&parts.join(" › "))
    }
}

/// The structured form of a location, as in the JSON report contract.
#[derive(Serialize)]
struct Emplacement<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fichier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feuille: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cellule: Option<&'a str>,
    /// 1-based row of the sheet, when a cell or a row is concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    ligne: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointeur: Option<&'a str>,
}

impl Location {
    fn emplacement(&self) -> Emplacement<'_> {
        let cell = self.cell.as_deref();
        let digits = |c: &str| c.chars().all(|ch| ch.is_ascii_digit());
        Emplacement {
            fichier: self.file.as_deref(),
            feuille: self.sheet.as_deref(),
            cellule: cell.filter(|c| !digits(c)),
            ligne: cell.and_then(|c| {
                c.trim_start_matches(|ch: char| ch.is_ascii_alphabetic())
                    .parse()
                    .ok()
            }),
            pointeur: self.pointer.as_deref(),
        }
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.emplacement().serialize(s)
    }
}

/// One problem found in an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// The raw value at fault, as found.
    pub value: Option<String>,
}

impl Diagnostic {
    /// A diagnostic for a rule of the registry; its severity comes from the registry.
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location,
            message: message.into(),
            value: None,
        }
    }

    pub fn value(mut self, v: impl fmt::Display) -> Self {
        self.value = Some(v.to_string());
        self
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 7)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("gravite", self.severity.label())?;
        st.serialize_field("emplacement", &self.location)?;
        st.serialize_field("lieu", &self.location.to_string())?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("valeur", &self.value)?;
        st.end()
    }
}

/// A diagnostic read back from its JSON form (the report contract, also the wire format of
/// isolated readers). The severity comes from the code.
impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Place {
            fichier: Option<String>,
            feuille: Option<String>,
            cellule: Option<String>,
            ligne: Option<u32>,
            pointeur: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct Wire {
            code: String,
            emplacement: Place,
            message: String,
            valeur: Option<String>,
        }
        let w = Wire::deserialize(d)?;
        let code = Code::parse(&w.code)
            .ok_or_else(|| serde::de::Error::custom(format!("code inconnu {}", w.code)))?;
        let p = w.emplacement;
        Ok(Diagnostic {
            code,
            severity: code.severity(),
            location: Location {
                file: p.fichier,
                sheet: p.feuille,
                cell: p.cellule.or(p.ligne.map(|l| l.to_string())),
                pointer: p.pointeur,
            },
            message: w.message,
            value: w.valeur,
        })
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Counts {
    #[serde(rename = "erreurs")]
    pub errors: usize,
    #[serde(rename = "avertissements")]
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diags {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// Sorts diagnostics by location then code, so reports are stable.
pub fn sort(diags: &mut [Diagnostic]) {
    // Field by field, each compared only when the ones before are equal, and cell names read
    // in place: a national consolidation sorts a hundred thousand diagnostics.
    diags.sort_by(|a, b| {
        let (x, y) = (&a.location, &b.location);
        x.file
            .cmp(&y.file)
            .then_with(|| x.sheet.cmp(&y.sheet))
            .then_with(|| {
                x.cell
                    .as_deref()
                    .map(cell_key)
                    .cmp(&y.cell.as_deref().map(cell_key))
            })
            .then_with(|| x.pointer.cmp(&y.pointer))
            .then_with(|| a.code.as_str().cmp(b.code.as_str()))
    });
}

/// Orders `B7` before `B12` and `Z9` before `AA1` (row first, then column).
fn cell_key(cell: &str) -> (u32, usize, &str) {
    let letters = cell.bytes().take_while(u8::is_ascii_alphabetic).count();
    let row = cell[letters..].parse().unwrap_or(0);
    (row, letters, &cell[..letters])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_renders_sheet_cell_and_pointer() {
        assert_eq!(
            Location::cell(Some("r.xlsx"), "Équipements", "C7").to_string(),
            "r.xlsx › Équipements!C7"
        );
        assert_eq!(
            Location::pointer("/convention/periode/fin").to_string(),
            "/convention/periode/fin"
        );
    }

    #[test]
    fn sort_orders_cells_by_row_then_column() {
        let mk = |c: &str| Diagnostic::new(Code::E001, Location::cell(None, "S", c), "m");
        let mut d = vec![mk("B12"), mk("AA1"), mk("B7")];
        sort(&mut d);
        let cells: Vec<_> = d.iter().map(|d| d.location.cell.clone().unwrap()).collect();
        assert_eq!(cells, ["AA1", "B7", "B12"]);
    }
}
