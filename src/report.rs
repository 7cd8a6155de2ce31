//! The one JSON report contract of every command that reports (`verifier`, `valider`,
//! `consolider`, `importer`, `territoire`, `referentiels`, `regle`). Documented in
//! `docs/rapport-json.md`; held by snapshot tests. Keys are French, like the model's.
//!
//! ```json
//! { "format": "ctg-rapport", "version": 1, "commande": "valider",
//!   "fichiers": [ { "fichier": "…", "statut": { "code": "accepte", "libelle": "accepté" },
//!                   "lignes": { "lues": 27, "retenues": 27, "rejetees": 0, "non_lues": 0 },
//!                   "compteurs": { "erreurs": 0, "avertissements": 0, "infos": 0 } } ],
//!   "diagnostics": [ { "code": "CTG-E108", "gravite": "erreur",
//!                      "emplacement": { "fichier": "…", "feuille": "…", "cellule": "C7", "ligne": 7 },
//!                      "lieu": "… › Projections!C7", "message": "…", "valeur": "…" } ],
//!   "compteurs": { … }, "resultat": { … } }
//! ```

use serde::Serialize;

use crate::diagnostic::{Counts, Diagnostic};

/// Name and version of the contract, in every report.
pub const FORMAT: &str = "ctg-rapport";
pub const VERSION: u32 = 1;

/// Rows of a file: read = kept + rejected + not read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Lignes {
    pub lues: usize,
    pub retenues: usize,
    pub rejetees: usize,
    pub non_lues: usize,
}

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Statut {
    Accepte,
    AccepteAvecAvertissements,
    AccepteAvecErreurs,
    Rejete,
    /// Recognised and skipped (a workbook ctg wrote, a lock file).
    Ignore,
    /// Read, but another return of the same collectivité was kept (a later or identical one).
    Remplace,
}

impl Statut {
    /// The file's rows enter the consolidation.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            Statut::Accepte | Statut::AccepteAvecAvertissements | Statut::AccepteAvecErreurs
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Statut::Accepte => "accepte",
            Statut::AccepteAvecAvertissements => "accepte_avec_avertissements",
            Statut::AccepteAvecErreurs => "accepte_avec_erreurs",
            Statut::Rejete => "rejete",
            Statut::Ignore => "ignore",
            Statut::Remplace => "remplace",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Statut::Accepte => "accepté",
            Statut::AccepteAvecAvertissements => "accepté avec avertissements",
            Statut::AccepteAvecErreurs => "accepté avec erreurs",
            Statut::Rejete => "rejeté",
            Statut::Ignore => "ignoré",
            Statut::Remplace => "remplacé",
        }
    }

    /// The statut of a file that was read, from its counts.
    pub fn of_counts(c: &Counts) -> Statut {
        if c.errors > 0 {
            Statut::AccepteAvecErreurs
        } else if c.warnings > 0 {
            Statut::AccepteAvecAvertissements
        } else {
            Statut::Accepte
        }
    }
}

impl Serialize for Statut {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Statut", 2)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("libelle", self.label())?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Statut {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            code: String,
        }
        let w = Wire::deserialize(d)?;
        [
            Statut::Accepte,
            Statut::AccepteAvecAvertissements,
            Statut::AccepteAvecErreurs,
            Statut::Rejete,
            Statut::Ignore,
            Statut::Remplace,
        ]
        .into_iter()
        .find(|s| s.code() == w.code)
        .ok_or_else(|| serde::de::Error::custom(format!("statut inconnu {}", w.code)))
    }
}

/// A report: the envelope every command shares, and its own `resultat`.
#[derive(Debug, Serialize)]
pub struct Rapport<'a, F: Serialize, R: Serialize> {
    pub format: &'static str,
    pub version: u32,
    pub commande: &'a str,
    /// The files read, one entry each (empty for commands that read none).
    pub fichiers: Vec<F>,
    pub diagnostics: &'a [Diagnostic],
    pub compteurs: Counts,
    pub resultat: R,
}

impl<'a, F: Serialize, R: Serialize> Rapport<'a, F, R> {
    pub fn new(
        commande: &'a str,
        fichiers: Vec<F>,
        diagnostics: &'a [Diagnostic],
        resultat: R,
    ) -> Self {
        Rapport {
            format: FORMAT,
            version: VERSION,
            commande,
            fichiers,
            compteurs: Counts::of(diagnostics),
            diagnostics,
            resultat,
        }
    }
}

/// The file entry shared by `valider`, `importer` and `verifier`.
#[derive(Debug, Clone, Serialize)]
pub struct Fichier {
    pub fichier: String,
    pub statut: Statut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lignes: Option<Lignes>,
    pub compteurs: Counts,
}

/// The file entry of `valider`.
#[derive(Debug, Clone, Serialize)]
pub struct FichierRetour {
    pub fichier: String,
    /// Form kind (`retour-commune`…), empty when unreadable.
    pub formulaire: String,
    pub collectivite: String,
    pub nom: String,
    pub statut: Statut,
    pub lignes: crate::workbook::read::Counts,
    pub compteurs: Counts,
}
