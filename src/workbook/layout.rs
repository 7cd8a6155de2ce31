//! The declarative workbook layout: sheets, columns, French headers, model fields, types.
//!
//! One description drives the writer, the reader, the validator and the «Lisez-moi» sheet,
//! so model → workbook → model holds by construction. Adding a column is one entry here.
//!
//! A `Table` sheet flattens a (possibly nested) array of the model: `levels` names the array
//! at each depth (`["fiches", "indicateurs"]`); columns of the upper levels are the keys
//! that attach a row to its parent element. A `Record` sheet lays single fields out as
//! label / value rows.

use crate::referentials::{
    ComitePilotage, Disposition, EtatSuivi, InstanceKind, Match, ModeAccueil, ObjectifCaf,
    Referential, Secretariat, SignataireKind, StatutAo, TypeInvestissement, TypeStructure,
};

/// The value type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Short text on one line.
    Text,
    /// Long text, wrapped, line breaks kept.
    LongText,
    /// A code with leading zeros (INSEE, SIREN, fiche id): always text.
    Code,
    Whole,
    Decimal,
    /// A percentage from 0 to 100 («50» or «50 %»).
    Percent,
    Date,
    Year,
    /// `2026-T1`.
    Quarter,
    Ref(RefList),
    YesNo,
}

/// The referentials a column can draw its values from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefList {
    ObjectifCaf,
    TypeStructure,
    ModeAccueil,
    StatutAo,
    TypeInvestissement,
    ComitePilotage,
    Secretariat,
    EtatSuivi,
    SignataireKind,
    InstanceKind,
    Disposition,
}

fn values_of<T: Referential>() -> Vec<(&'static str, &'static str)> {
    T::all().iter().map(|v| (v.code(), v.label())).collect()
}

fn match_of<T: Referential>(text: &str) -> Match<&'static str> {
    match T::match_label(text) {
        Match::Exact(v) => Match::Exact(v.code()),
        Match::Close(v) => Match::Close(v.code()),
        Match::Ambiguous(vs) => Match::Ambiguous(vs.iter().map(|v| v.code()).collect()),
        Match::None => Match::None,
    }
}

macro_rules! dispatch {
    ($self:expr, $f:ident $(, $arg:expr)?) => {
        match $self {
            RefList::ObjectifCaf => $f::<ObjectifCaf>($($arg)?),
            RefList::TypeStructure => $f::<TypeStructure>($($arg)?),
            RefList::ModeAccueil => $f::<ModeAccueil>($($arg)?),
            RefList::StatutAo => $f::<StatutAo>($($arg)?),
            RefList::TypeInvestissement => $f::<TypeInvestissement>($($arg)?),
            RefList::ComitePilotage => $f::<ComitePilotage>($($arg)?),
            RefList::Secretariat => $f::<Secretariat>($($arg)?),
            RefList::EtatSuivi => $f::<EtatSuivi>($($arg)?),
            RefList::SignataireKind => $f::<SignataireKind>($($arg)?),
            RefList::InstanceKind => $f::<InstanceKind>($($arg)?),
            RefList::Disposition => $f::<Disposition>($($arg)?),
        }
    };
}

impl RefList {
    pub fn title(&self) -> &'static str {
        fn t<T: Referential>() -> &'static str {
            T::TITLE
        }
        dispatch!(self, t)
    }

    /// (code, label) pairs in referential order.
    pub fn values(&self) -> Vec<(&'static str, &'static str)> {
        dispatch!(self, values_of)
    }

    pub fn label_of(&self, code: &str) -> Option<&'static str> {
        self.values()
            .into_iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| l)
    }

    pub fn matches(&self, text: &str) -> Match<&'static str> {
        dispatch!(self, match_of, text)
    }

    pub fn all() -> &'static [RefList] {
        use RefList::*;
        &[
            ObjectifCaf,
            TypeStructure,
            ModeAccueil,
            StatutAo,
            TypeInvestissement,
            ComitePilotage,
            Secretariat,
            EtatSuivi,
            SignataireKind,
            InstanceKind,
            Disposition,
        ]
    }
}

/// One column of a table sheet, or one row of a record sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// French header, as shown to partners.
    pub header: &'static str,
    /// Depth in the sheet's `levels` (0 = outermost) this column belongs to.
    pub level: u8,
    /// Path of the field inside the element of its level (`emplois/etp_vacants`); empty when
    /// the element is the value itself (a list of texts). For a record: path from the root.
    pub field: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub width: f64,
    pub help: &'static str,
}

impl Column {
    /// An identity cell the partner must not change (its help says «Ne pas modifier»):
    /// written locked in a protected form.
    pub fn fixed(&self) -> bool {
        self.help.starts_with("Ne pas modifier")
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Table { levels: &'static [&'static str] },
    Record,
}

#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub name: &'static str,
    pub purpose: &'static str,
    pub shape: Shape,
    pub columns: &'static [Column],
}

/// A whole workbook kind.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Stable machine name, stored in the meta sheet (`ctg-complet`, `retour-commune`…).
    pub kind: &'static str,
    pub title: &'static str,
    pub version: u32,
    pub sheets: &'static [Sheet],
}

/// Name of the hidden sheet holding dropdown lists.
pub const LISTS_SHEET: &str = "_listes";
/// Name of the hidden sheet holding the form's identity.
pub const META_SHEET: &str = "_meta";
pub const README_SHEET: &str = "Lisez-moi";

impl Sheet {
    pub fn levels(&self) -> &'static [&'static str] {
        match self.shape {
            Shape::Table { levels } => levels,
            Shape::Record => &[],
        }
    }

    pub fn is_record(&self) -> bool {
        matches!(self.shape, Shape::Record)
    }

    /// The key columns of level `l` (those that attach a row to its parent element).
    pub fn key_columns(&self, l: usize) -> impl Iterator<Item = (usize, &Column)> {
        self.columns
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.level as usize == l)
    }
}

impl Layout {
    pub fn sheet(&self, name: &str) -> Option<&'static Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// A short fingerprint of the layout (FNV-1a over every sheet, header, field and kind),
    /// stored in forms so that a return made from another layout is recognised. Computed
    /// once per layout (every return read compares its own with it).
    pub fn fingerprint(&self) -> String {
        type Known = Vec<((usize, usize), String)>;
        static KNOWN: std::sync::Mutex<Known> = std::sync::Mutex::new(Vec::new());
        let key = (self.kind.as_ptr() as usize, self.sheets.as_ptr() as usize);
        let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, f)) = known.iter().find(|(k, _)| *k == key) {
            return f.clone();
        }
        let f = self.compute_fingerprint();
        // The layouts of ctg are a handful; the demo's shuffled ones are not kept.
        if known.len() < 16 {
            known.push((key, f.clone()));
        }
        f
    }

    fn compute_fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |s: &str| {
            for b in s.bytes().chain([0u8]) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(self.kind);
        for s in self.sheets {
            eat(s.name);
            for l in s.levels() {
                eat(l);
            }
            for c in s.columns {
                eat(c.header);
                eat(c.field);
                eat(&format!("{:?}{}{}", c.kind, c.level, c.required));
            }
        }
        format!("{h:016x}")
    }

    /// Every referential used by a column, in first-use order (for the lists sheet).
    pub fn lists(&self) -> Vec<RefList> {
        let mut out = Vec::new();
        for s in self.sheets {
            for c in s.columns {
                if let Kind::Ref(r) = c.kind
                    && !out.contains(&r)
                {
                    out.push(r);
                }
            }
        }
        out
    }
}

impl Kind {
    /// How to fill the cell, in French, for help texts and input messages.
    pub fn hint(&self) -> String {
        match self {
            Kind::Text | Kind::LongText => "texte".into(),
            Kind::Code => "code (texte, zéros initiaux compris)".into(),
            Kind::Whole => "nombre entier".into(),
            Kind::Decimal => "nombre (décimales avec une virgule)".into(),
            Kind::Percent => "pourcentage de 0 à 100".into(),
            Kind::Date => "date jj/mm/aaaa".into(),
            Kind::Year => "année sur 4 chiffres".into(),
            Kind::Quarter => "trimestre de la forme 2026-T1".into(),
            Kind::Ref(r) => format!("valeur de la liste « {} »", r.title()),
            Kind::YesNo => "oui ou non".into(),
        }
    }
}
