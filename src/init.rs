//! `ctg init`: a new model pre-filled from the territory referential, ready to complete.

use chrono::{Datelike, NaiveDate};

use crate::ao::{self, Basis};
use crate::error::{Error, Result};
use crate::model::{Axe, Ctg, Epci, Signataire};
use crate::referentials::{CompetenceAo, ObjectifCaf, Referential, SignataireKind, StatutAo};
use crate::territory::{CommuneRef, check_insee, check_siren, referentiel};

/// What the new CTG covers.
pub enum Scope<'a> {
    Epci(&'a str),
    Commune(&'a str),
}

/// Builds the model: territory and populations, mandatory competences marked as exercised
/// by each commune (to be corrected where transferred), the period to 31 December N+4, and
/// the 8 axes with Axe 1 as the socle.
pub fn new_ctg(scope: Scope, debut: NaiveDate, basis: Basis) -> Result<Ctg> {
    let r = referentiel();
    let mut ctg = Ctg::empty();
    let communes: Vec<&CommuneRef> = match scope {
        Scope::Epci(siren) => {
            check_siren(siren).map_err(|why| Error::Invalid(format!("SIREN {siren} : {why}")))?;
            let e = r.epci(siren).ok_or_else(|| {
                Error::Invalid(format!(
                    "aucun EPCI de SIREN {siren} dans le référentiel ({})",
                    r.millesime
                ))
            })?;
            ctg.territoire.epci = Some(Epci {
                siren: e.siren.into(),
                nom: e.nom.into(),
                population_municipale: e.population_municipale,
                population_totale: e.population_totale,
                millesime: r.millesime.into(),
            });
            ctg.convention.signataires.push(signataire(
                SignataireKind::Epci,
                e.nom,
                e.siren,
                "Président",
            ));
            r.membres(siren)
        }
        Scope::Commune(insee) => {
            check_insee(insee)
                .map_err(|why| Error::Invalid(format!("code INSEE {insee} : {why}")))?;
            let c = r.commune(insee).ok_or_else(|| {
                Error::Invalid(format!(
                    "aucune commune de code {insee} dans le référentiel ({})",
                    r.millesime
                ))
            })?;
            ctg.convention.signataires.push(signataire(
                SignataireKind::Commune,
                c.nom,
                c.insee,
                "Maire",
            ));
            vec![c]
        }
    };
    for c in communes {
        let mut commune = c.to_model(r.millesime);
        for comp in ao::obligations(ao::population(&commune, basis)).mandatory {
            commune.competences.set(comp, StatutAo::Exercee);
        }
        debug_assert!(commune.competences.get(CompetenceAo::Recensement) == StatutAo::Exercee);
        ctg.territoire.communes.push(commune);
    }
    let fin = NaiveDate::from_ymd_opt(debut.year() + 4, 12, 31).ok_or_else(|| {
        Error::Invalid(format!(
            "date de début {debut} invalide : l'année {} n'existe pas",
            debut.year() + 4
        ))
    })?;
    let nom = ctg
        .territoire
        .epci
        .as_ref()
        .map(|e| e.nom.clone())
        .unwrap_or_else(|| ctg.territoire.communes[0].nom.clone());
    ctg.convention.id = format!(
        "ctg-{}-{}",
        ctg.convention.signataires[0].code,
        debut.year()
    );
    ctg.convention.titre = format!(
        "Convention territoriale globale {} {}-{}",
        nom,
        debut.year(),
        fin.year()
    );
    ctg.convention.periode.debut = Some(debut);
    ctg.convention.periode.fin = Some(fin);
    for (i, o) in ObjectifCaf::all().iter().enumerate() {
        ctg.axes.push(Axe {
            id: format!("axe-{}", i + 1),
            titre: o.label().into(),
            objectif: Some(*o),
            socle: i == 0,
        });
    }
    Ok(ctg)
}

fn signataire(kind: SignataireKind, nom: &str, code: &str, qualite: &str) -> Signataire {
    Signataire {
        kind,
        nom: nom.into(),
        code: code.into(),
        qualite: qualite.into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epci_scope_fills_communes_and_competences() {
        let ctg = new_ctg(
            Scope::Epci("242900660"),
            "2026-01-01".parse().unwrap(),
            Basis::Totale,
        )
        .unwrap();
        assert_eq!(ctg.territoire.communes.len(), 7);
        assert_eq!(
            ctg.convention.periode.fin,
            Some("2030-12-31".parse().unwrap())
        );
        assert_eq!(ctg.axes.len(), 8);
        assert!(ctg.axes[0].socle && !ctg.axes[1].socle);
        let fouesnant = ctg.commune("29058").unwrap();
        assert_eq!(fouesnant.competences.qualite, StatutAo::Exercee);
        let clohars = ctg.commune("29032").unwrap();
        assert_eq!(clohars.competences.planification, StatutAo::NonExercee);
    }

    #[test]
    fn bad_codes_are_clear_errors() {
        let d = "2026-01-01".parse().unwrap();
        assert!(new_ctg(Scope::Epci("242900661"), d, Basis::Totale).is_err());
        assert!(new_ctg(Scope::Commune("99999"), d, Basis::Totale).is_err());
        assert!(new_ctg(Scope::Commune("2A004"), d, Basis::Totale).is_ok());
    }
}
