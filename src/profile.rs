//! The Caf's profile, stored once instead of typed on every run: its name and officials, the
//! contact printed in the forms, the usual reply delay, its logo. A `ctg.toml` beside the CTG
//! file wins over the one in the user's configuration folder (`$XDG_CONFIG_HOME/ctg/`, else
//! `~/.config/ctg/`; `%APPDATA%\ctg\` on Windows). Options given on the command line win over
//! both. In the browser the same profile lives in the page's local storage.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file name looked for.
pub const FILE: &str = "ctg.toml";

/// What a profile may hold; every key is optional.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// Contact printed in the forms' «Lisez-moi».
    pub contact: String,
    /// Reply delay, in days after the forms' date.
    pub delai_reponse_jours: Option<u32>,
    /// Logos of the convention's cover, relative to the profile's folder.
    pub logos: Vec<PathBuf>,
    pub caf: CafProfile,
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CafProfile {
    pub nom: String,
    pub departement: String,
    pub president: String,
    pub directeur: String,
}

impl Profile {
    /// Puts the Caf's name, département and officials where the CTG leaves them blank (what
    /// the CTG says wins).
    pub fn fill_caf(&self, ctg: &mut crate::model::Ctg) {
        let caf = &mut ctg.convention.caf;
        for (slot, value) in [
            (&mut caf.nom, &self.caf.nom),
            (&mut caf.departement, &self.caf.departement),
            (&mut caf.president, &self.caf.president),
            (&mut caf.directeur, &self.caf.directeur),
        ] {
            if slot.trim().is_empty() {
                *slot = value.clone();
            }
        }
    }

    /// The reply deadline of forms dated `date`, written in French, when the profile gives a
    /// delay.
    pub fn deadline(&self, date: chrono::NaiveDate) -> Option<String> {
        self.delai_reponse_jours
            .map(|days| crate::fr::date(date + chrono::Days::new(u64::from(days))))
    }
}

/// A profile and the file it came from.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub profile: Profile,
}

impl Found {
    /// The logos' paths, resolved against the profile's folder.
    pub fn logos(&self) -> Vec<PathBuf> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        self.profile.logos.iter().map(|l| dir.join(l)).collect()
    }
}

/// The user's configuration folder for ctg.
pub fn config_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("ctg"));
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("ctg"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("ctg"))
}

/// The profile for a CTG file: beside it, else in the configuration folder; `None` when
/// there is none. A profile that cannot be read is an error naming the file and the line.
pub fn find(beside: Option<&Path>) -> Result<Option<Found>> {
    let local = beside.map(|f| {
        f.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(FILE)
    });
    for path in local.into_iter().chain(config_dir().map(|d| d.join(FILE))) {
        if path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::Invalid(format!(
                    "profil {} illisible : {}",
                    path.display(),
                    crate::error::io_message(&e)
                ))
            })?;
            let profile = parse(&text)
                .map_err(|m| Error::Invalid(format!("profil {} : {m}", path.display())))?;
            return Ok(Some(Found { path, profile }));
        }
    }
    Ok(None)
}

/// Parses a profile; the error says where, in French.
pub fn parse(text: &str) -> std::result::Result<Profile, String> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let what = e.message().to_string();
        let why = if what.contains("unknown field") {
            let field = what.split('`').nth(1).unwrap_or("?");
            format!("clé « {field} » inconnue (clés possibles : contact, delai_reponse_jours, logos, [caf] nom, departement, president, directeur)")
        } else if what.contains("invalid type") {
            "valeur du mauvais type (texte entre guillemets, nombre de jours sans guillemets, liste entre crochets)".into()
        } else {
            "syntaxe TOML invalide".into()
        };
        match line {
            Some(l) => format!("ligne {l} : {why}"),
            None => why,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_reads_and_its_mistakes_are_located() {
        let p = parse(
            "contact = \"Chargée de coopération, 02 98 00 00 00\"\ndelai_reponse_jours = 30\nlogos = [\"logo.png\"]\n\n[caf]\nnom = \"Caisse d'allocations familiales du Finistère\"\ndepartement = \"29\"\n",
        )
        .unwrap();
        assert_eq!(p.delai_reponse_jours, Some(30));
        assert_eq!(p.caf.departement, "29");
        let e = parse("contact = \"x\"\ncouleur = \"bleu\"\n").unwrap_err();
        assert!(e.starts_with("ligne 2 : clé « couleur » inconnue"), "{e}");
        let e = parse("delai_reponse_jours = \"trente\"\n").unwrap_err();
        assert!(e.contains("ligne 1") && e.contains("mauvais type"), "{e}");
    }
}
