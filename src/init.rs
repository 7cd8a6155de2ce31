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

/// `ctg init --depuis`: what a CTG read from elsewhere (`ctg importer` of a Word convention or
/// a workbook) brings to the new one, whose territory comes from the referential. Every part
/// the imported CTG holds replaces the new one's default (title, parties, period, texts,
/// options, annexes, plan, follow-up); a commune's competences are taken when the imported CTG
/// has that commune. Returns what was taken and what was left, in French, for the user.
pub fn take_from(ctg: &mut Ctg, from: &Ctg) -> Vec<String> {
    let mut said = Vec::new();
    let (c, f) = (&mut ctg.convention, &from.convention);
    if took(&mut said, "titre", !f.titre.trim().is_empty()) {
        c.titre = f.titre.clone();
    }
    for (mine, theirs) in [
        (&mut c.caf.nom, &f.caf.nom),
        (&mut c.caf.departement, &f.caf.departement),
        (&mut c.caf.president, &f.caf.president),
        (&mut c.caf.directeur, &f.caf.directeur),
    ] {
        if mine.trim().is_empty() && !theirs.trim().is_empty() {
            *mine = theirs.clone();
        }
    }
    if took(&mut said, "signataires", !f.signataires.is_empty()) {
        c.signataires = f.signataires.clone();
    }
    if took(
        &mut said,
        "période",
        f.periode.debut.is_some() && f.periode.fin.is_some(),
    ) {
        c.periode = f.periode.clone();
    }
    if took(
        &mut said,
        "« Fait à …, le … »",
        f.signature != Default::default(),
    ) {
        c.signature = f.signature.clone();
    }
    if took(&mut said, "préambule", !f.preambule.is_empty()) {
        c.preambule = f.preambule.clone();
    }
    if took(&mut said, "enjeux", !f.enjeux.is_empty()) {
        c.enjeux = f.enjeux.clone();
    }
    if took(
        &mut said,
        "objectifs partagés",
        !f.objectifs_partages.is_empty(),
    ) {
        c.objectifs_partages = f.objectifs_partages.clone();
    }
    if took(&mut said, "options", f.options != Default::default()) {
        c.options = f.options.clone();
    }
    let mut competences = 0;
    for commune in &mut ctg.territoire.communes {
        if let Some(theirs) = from
            .territoire
            .communes
            .iter()
            .find(|x| x.insee == commune.insee)
            && theirs.competences != Default::default()
        {
            commune.competences = theirs.competences.clone();
            competences += 1;
        }
    }
    if competences > 0 {
        said.push(format!(
            "repris : compétences d'autorité organisatrice de {}",
            crate::fr::plural(competences, "commune", "communes")
        ));
    }
    for theirs in &from.territoire.communes {
        if !theirs.insee.is_empty()
            && !ctg
                .territoire
                .communes
                .iter()
                .any(|x| x.insee == theirs.insee)
        {
            said.push(format!(
                "non repris : {} ({}), hors du territoire choisi",
                theirs.nom, theirs.insee
            ));
        }
    }
    macro_rules! part {
        ($field:ident, $label:expr) => {
            if took(&mut said, $label, !from.$field.is_empty()) {
                ctg.$field = from.$field.clone();
            }
        };
    }
    part!(diagnostic, "annexe 1 (diagnostic)");
    part!(equipements, "annexe 2 (équipements)");
    part!(axes, "axes");
    part!(fiches, "fiches-action");
    part!(projections, "projections petite enfance");
    part!(pilotage, "instances de pilotage");
    part!(suivi, "suivi");
    said
}

fn took(said: &mut Vec<String>, what: &str, yes: bool) -> bool {
    if yes {
        said.push(format!("repris : {what}"));
    }
    yes
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
