//! The identity of a form, kept in its hidden `_meta` sheet and in the custom document
//! properties: written and read by this one type, so a key cannot be spelled two ways.

use super::layout::Layout;

/// Identity of a form. Empty strings stand for absent keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// Layout kind (`retour-commune`…), version and fingerprint; filled from the layout
    /// when written.
    pub formulaire: String,
    pub version: String,
    pub empreinte: String,
    pub ctg_id: String,
    /// INSEE code or SIREN of the collectivité the form was made for, and its name.
    pub code: String,
    pub nom: String,
    pub generated: String,
    /// Period of the CTG (ISO dates) and its fiche ids, so that a return can be checked
    /// without the CTG file.
    pub debut: String,
    pub fin: String,
    pub fiches: String,
    /// The CTG's title, the reply deadline and the contact, for the «Lisez-moi» (not stored
    /// in `_meta`).
    pub titre: String,
    pub deadline: String,
    pub contact: String,
    /// True when the file had a `_meta` sheet.
    pub found: bool,
}

/// `ctg_formulaire` of a consolidated workbook: ctg's own workbook, never read back as a
/// return (annotated copies carry their own mark: `returns::annotate`).
pub const CONSOLIDE: &str = "consolide";

/// The keys of the `_meta` sheet, in order.
pub const KEYS: [&str; 10] = [
    "ctg_formulaire",
    "ctg_version_disposition",
    "ctg_empreinte",
    "ctg_convention",
    "ctg_collectivite",
    "ctg_nom",
    "ctg_date_generation",
    "ctg_debut",
    "ctg_fin",
    "ctg_fiches",
];

impl Meta {
    fn slot(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "ctg_formulaire" => &mut self.formulaire,
            "ctg_version_disposition" => &mut self.version,
            "ctg_empreinte" => &mut self.empreinte,
            "ctg_convention" => &mut self.ctg_id,
            "ctg_collectivite" => &mut self.code,
            "ctg_nom" => &mut self.nom,
            "ctg_date_generation" => &mut self.generated,
            "ctg_debut" => &mut self.debut,
            "ctg_fin" => &mut self.fin,
            "ctg_fiches" => &mut self.fiches,
            _ => return None,
        })
    }

    /// Key/value pairs to write for `layout`, in the order of [`KEYS`].
    pub fn pairs(&self, layout: &Layout) -> Vec<(&'static str, String)> {
        let mut m = self.clone();
        m.formulaire = layout.kind.to_string();
        m.version = layout.version.to_string();
        m.empreinte = layout.fingerprint();
        KEYS.iter()
            .map(|k| (*k, m.slot(k).map(|s| s.clone()).unwrap_or_default()))
            .collect()
    }

    /// Reads pairs back; unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Meta {
        let mut m = Meta {
            found: true,
            ..Default::default()
        };
        for (k, v) in pairs {
            if let Some(s) = m.slot(k.trim()) {
                *s = v;
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_read_back() {
        let m = Meta {
            code: "29058".into(),
            nom: "Fouesnant".into(),
            fiches: "1.1,1.2".into(),
            ..Default::default()
        };
        let layout = &crate::workbook::layouts::RETOUR_COMMUNE;
        let pairs = m.pairs(layout);
        let back = Meta::from_pairs(pairs.iter().map(|(k, v)| (*k, v.clone())));
        assert_eq!(back.code, "29058");
        assert_eq!(back.fiches, "1.1,1.2");
        assert_eq!(back.formulaire, layout.kind);
        assert!(back.found);
    }
}
