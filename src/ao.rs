//! Autorité organisatrice (AO) obligations: which competences a population makes mandatory,
//! and who holds each competence once transfers to the EPCI are taken into account.
//!
//! Thresholds read «plus de» as strictly greater (CASF L.214-1-3, L.214-2). Which population
//! applies is not settled by the texts: it is a parameter (`Basis`), totale by default.

use crate::model::{Commune, Ctg};
use crate::referentials::{CompetenceAo, Referential, StatutAo};
use crate::territory::referentiel;

/// Above this, planification and soutien à la qualité are mandatory.
pub const SEUIL_PLANIFICATION: u32 = 3_500;
/// Above this, the AO needs a schéma (or a CTG holding its contents) and an RPE.
pub const SEUIL_SCHEMA_RPE: u32 = 10_000;
/// Populations within this share of a threshold get an info notice.
pub const PROXIMITE: f64 = 0.02;
/// The RPE obligation starts on this date.
pub const RPE_DEPUIS: (i32, u32, u32) = (2026, 1, 1);

/// Which population counts for the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    #[default]
    Totale,
    Municipale,
}

impl std::str::FromStr for Basis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "totale" => Ok(Basis::Totale),
            "municipale" => Ok(Basis::Municipale),
            _ => Err(format!(
                "base de population inconnue « {s} » : totale ou municipale"
            )),
        }
    }
}

impl Basis {
    /// As typed on the command line: `totale`, `municipale`.
    pub fn code(&self) -> &'static str {
        match self {
            Basis::Totale => "totale",
            Basis::Municipale => "municipale",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Basis::Totale => "population totale",
            Basis::Municipale => "population municipale",
        }
    }
}

/// A commune's population on the chosen basis: the model's figure, else the referential's.
pub fn population(c: &Commune, basis: Basis) -> Option<u32> {
    let declared = match basis {
        Basis::Totale => c.population_totale,
        Basis::Municipale => c.population_municipale,
    };
    declared.or_else(|| {
        let r = referentiel().commune(&c.insee)?;
        match basis {
            Basis::Totale => r.population_totale,
            Basis::Municipale => r.population_municipale,
        }
    })
}

/// What the law asks of an AO of this population.
#[derive(Debug, Clone, PartialEq)]
pub struct Obligations {
    pub population: Option<u32>,
    pub mandatory: Vec<CompetenceAo>,
    pub schema: bool,
    pub rpe: bool,
    /// One French sentence per obligation, with the threshold crossed.
    pub reasons: Vec<String>,
}

pub fn obligations(population: Option<u32>) -> Obligations {
    let mut o = Obligations {
        population,
        mandatory: vec![CompetenceAo::Recensement, CompetenceAo::Information],
        schema: false,
        rpe: false,
        reasons: vec![
            "recensement des besoins et information des familles : obligatoires pour toute commune"
                .into(),
        ],
    };
    let Some(p) = population else {
        o.reasons
            .push("population inconnue : les autres obligations ne peuvent être établies".into());
        return o;
    };
    if p > SEUIL_PLANIFICATION {
        o.mandatory
            .extend([CompetenceAo::Planification, CompetenceAo::Qualite]);
        o.reasons.push(format!(
            "planification et soutien à la qualité : obligatoires (plus de 3 500 habitants, {})",
            crate::fr::int(p as u64)
        ));
    } else {
        o.reasons.push(format!(
            "planification et soutien à la qualité : facultatives (3 500 habitants ou moins, {})",
            crate::fr::int(p as u64)
        ));
    }
    if p > SEUIL_SCHEMA_RPE {
        o.schema = true;
        o.rpe = true;
        o.reasons.push(format!(
            "schéma pluriannuel (ou CTG qui en tient lieu) et relais petite enfance au 1er janvier 2026 : obligatoires (plus de 10 000 habitants, {})",
            crate::fr::int(p as u64)
        ));
    }
    o
}

/// Whether a population lies within 2 % of a threshold, and which.
pub fn near_threshold(p: u32) -> Option<u32> {
    [SEUIL_PLANIFICATION, SEUIL_SCHEMA_RPE]
        .into_iter()
        .find(|&t| ((p as f64) - (t as f64)).abs() <= t as f64 * PROXIMITE)
}

/// The body exercising a competence: a commune itself, or the EPCI for the communes that
/// transferred it (its population is then the sum of theirs).
#[derive(Debug, Clone, PartialEq)]
pub struct Holder {
    pub code: String,
    pub nom: String,
    pub is_epci: bool,
    pub population: u64,
    /// JSON pointer of what the rule should point at.
    pub pointer: String,
}

pub fn holders(ctg: &Ctg, competence: CompetenceAo, basis: Basis) -> Vec<Holder> {
    let mut out = Vec::new();
    let mut transferred = 0u64;
    let mut any_transfer = false;
    for (i, c) in ctg.territoire.communes.iter().enumerate() {
        let p = population(c, basis).unwrap_or(0) as u64;
        match c.competences.get(competence) {
            StatutAo::Exercee => out.push(Holder {
                code: c.insee.clone(),
                nom: c.nom.clone(),
                is_epci: false,
                population: p,
                pointer: format!("/territoire/communes/{i}/competences/{}", competence.code()),
            }),
            StatutAo::Transferee => {
                any_transfer = true;
                transferred += p;
            }
            StatutAo::NonExercee => {}
        }
    }
    if any_transfer && let Some(e) = &ctg.territoire.epci {
        out.push(Holder {
            code: e.siren.clone(),
            nom: e.nom.clone(),
            is_epci: true,
            population: transferred,
            pointer: "/territoire/epci".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_strict() {
        assert_eq!(obligations(Some(3_500)).mandatory.len(), 2);
        assert_eq!(obligations(Some(3_501)).mandatory.len(), 4);
        assert!(!obligations(Some(10_000)).rpe);
        assert!(obligations(Some(10_001)).rpe && obligations(Some(10_001)).schema);
    }

    #[test]
    fn near_threshold_within_two_percent() {
        assert_eq!(near_threshold(3_570), Some(3_500));
        assert_eq!(near_threshold(3_571), None);
        assert_eq!(near_threshold(9_850), Some(10_000));
        assert_eq!(near_threshold(5_000), None);
    }

    #[test]
    fn french_thousands() {}
}
