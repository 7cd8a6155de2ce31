//! Annexe 2 and projection rules: known collectivités, whole places, non-negative ETP and
//! costs, years inside the period.

use crate::codes::Code;
use chrono::Datelike;

use super::Ctx;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::Ctg;
use crate::referentials::{Referential, TypeStructure, Unite};

fn known_collectivite(ctg: &Ctg, code: &str) -> bool {
    ctg.collectivite_nom(code).is_some()
}

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let ctg = ctx.ctg;
    for (i, e) in ctg.equipements.iter().enumerate() {
        let at = |f: &str| Location::pointer(format!("/equipements/{i}/{f}"));
        if !known_collectivite(ctg, &e.collectivite) {
            d.push(Diagnostic::new(Code::E043, at("collectivite"), format!("l'équipement « {} » est rattaché à « {} », qui n'est ni une commune ni l'EPCI du territoire", e.nom, e.collectivite)).value(&e.collectivite));
        }
        let commune = e.commune.trim();
        if !commune.is_empty() {
            if let Err(why) = crate::territory::check_insee(commune) {
                d.push(
                    Diagnostic::new(
                        Code::E020,
                        at("commune"),
                        format!("commune d'implantation de « {} » mal formée : {why}", e.nom),
                    )
                    .value(commune),
                );
            } else if crate::territory::referentiel().commune(commune).is_none() {
                d.push(
                    Diagnostic::new(
                        Code::E021,
                        at("commune"),
                        format!(
                            "« {} » est implanté dans la commune de code {commune}, qui n'existe pas (ou plus) : vérifiez le code INSEE",
                            e.nom
                        ),
                    )
                    .value(commune),
                );
            }
        }
        if e.type_structure == TypeStructure::Autre && e.libelle_autre.trim().is_empty() {
            d.push(Diagnostic::new(
                Code::E045,
                at("libelle_autre"),
                format!(
                    "l'équipement « {} » est de type « Autres » sans préciser lequel",
                    e.nom
                ),
            ));
        }
        if e.nom.trim().is_empty() {
            d.push(Diagnostic::new(
                Code::W046,
                at("nom"),
                format!(
                    "un équipement de type « {} » n'a pas de nom",
                    e.type_structure.label()
                ),
            ));
        }
    }
    let years = ctg
        .convention
        .periode
        .debut
        .map(|d| d.year())
        .zip(ctg.convention.periode.fin.map(|d| d.year()));
    for (i, p) in ctg.projections.iter().enumerate() {
        if !known_collectivite(ctg, &p.ao) {
            d.push(Diagnostic::new(Code::E043, Location::pointer(format!("/projections/{i}/ao")), format!("le tableau de projection désigne « {} », qui n'est ni une commune ni l'EPCI du territoire", p.ao)).value(&p.ao));
        }
        for (j, l) in p.lignes.iter().enumerate() {
            let base = format!("/projections/{i}/lignes/{j}");
            let (unite, mode) = (l.mode.unite(), l.mode.label());
            if let Some(v) = l.actuel {
                check_value(d, unite, mode, v, format!("{base}/actuel"));
            }
            for (k, a) in l.annees.iter().enumerate() {
                check_value(
                    d,
                    unite,
                    mode,
                    a.valeur,
                    format!("{base}/annees/{k}/valeur"),
                );
                if let Some((y0, y1)) = years
                    && (a.annee < y0 || a.annee > y1)
                {
                    d.push(
                        Diagnostic::new(
                            Code::E040,
                            Location::pointer(format!("{base}/annees/{k}/annee")),
                            format!(
                                "{} : l'année {} est hors de la période {y0}-{y1}",
                                l.mode.label(),
                                a.annee
                            ),
                        )
                        .value(a.annee),
                    );
                }
            }
            for (k, inv) in l.investissements.iter().enumerate() {
                if let Some(c) = inv.cout
                    && c < 0.0
                {
                    d.push(
                        Diagnostic::new(
                            Code::E044,
                            Location::pointer(format!("{base}/investissements/{k}/cout")),
                            format!("coût négatif pour le projet « {} »", inv.description),
                        )
                        .value(c),
                    );
                }
            }
        }
    }
}

fn check_value(d: &mut Vec<Diagnostic>, unite: Unite, mode: &str, v: f64, at: String) {
    match unite {
        Unite::Etp if v < 0.0 || !v.is_finite() => {
            d.push(
                Diagnostic::new(
                    Code::E042,
                    Location::pointer(at),
                    format!(
                        "{mode} : {} ETP, un nombre d'ETP ne peut être négatif",
                        crate::fr::number(v)
                    ),
                )
                .value(v),
            );
        }
        Unite::Places | Unite::Nombre if v < 0.0 || v.fract() != 0.0 || !v.is_finite() => {
            d.push(
                Diagnostic::new(
                    Code::E041,
                    Location::pointer(at),
                    format!(
                        "{mode} : « {} {} » n'est pas un nombre entier positif ou nul",
                        crate::fr::number(v),
                        unite.label()
                    ),
                )
                .value(v),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::model::ValeurAnnee;
    use crate::referentials::{ModeAccueil, TypeStructure};

    #[test]
    fn sample_annexes_are_clean() {
        let c = codes(&sample());
        for code in [
            Code::E040,
            Code::E041,
            Code::E042,
            Code::E043,
            Code::E044,
            Code::E045,
            Code::W046,
        ] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn an_equipment_placed_in_a_commune_that_does_not_exist_is_an_error() {
        let mut ctg = sample();
        assert!(!has(&ctg, Code::E020) && !has(&ctg, Code::E021));
        ctg.equipements[0].commune = "2958".into();
        assert!(has(&ctg, Code::E020), "4 characters");
        ctg.equipements[0].commune = "29999".into();
        assert!(has(&ctg, Code::E021), "no such commune");
        ctg.equipements[0].commune = "29058".into();
        assert!(!has(&ctg, Code::E020) && !has(&ctg, Code::E021));
        // The commune may lie outside the territory (a crèche across the border).
        ctg.equipements[0].commune = "29232".into();
        assert!(!has(&ctg, Code::E021));
    }

    #[test]
    fn projection_values() {
        let mut ctg = sample();
        let lines = &mut ctg.projections[0].lignes;
        let places = lines
            .iter_mut()
            .find(|l| l.mode == ModeAccueil::EajePsu)
            .unwrap();
        places.annees[0].valeur = 12.5;
        places.annees.push(ValeurAnnee {
            annee: 2035,
            valeur: 40.0,
        });
        let rpe = lines
            .iter_mut()
            .find(|l| l.mode == ModeAccueil::Rpe)
            .unwrap();
        rpe.actuel = Some(-1.0);
        let c = codes(&ctg);
        assert!(c.contains(&Code::E040) && c.contains(&Code::E041) && c.contains(&Code::E042));
        // Decimal ETP are fine.
        let mut ctg = sample();
        let rpe = ctg.projections[0]
            .lignes
            .iter_mut()
            .find(|l| l.mode == ModeAccueil::Rpe)
            .unwrap();
        rpe.actuel = Some(1.5);
        assert!(!has(&ctg, Code::E042));
    }

    #[test]
    fn unknown_ao_and_negative_cost() {
        let mut ctg = sample();
        ctg.projections[0].ao = "75056".into();
        ctg.equipements[0].collectivite = "xx".into();
        let line = ctg
            .projections
            .iter_mut()
            .flat_map(|p| p.lignes.iter_mut())
            .find(|l| !l.investissements.is_empty())
            .unwrap();
        line.investissements[0].cout = Some(-5.0);
        let c = codes(&ctg);
        assert!(c.contains(&Code::E043) && c.contains(&Code::E044));
    }

    #[test]
    fn equipement_autre_and_name() {
        let mut ctg = sample();
        ctg.equipements[0].type_structure = TypeStructure::Autre;
        ctg.equipements[0].libelle_autre.clear();
        ctg.equipements[1].nom.clear();
        let c = codes(&ctg);
        assert!(c.contains(&Code::E045) && c.contains(&Code::W046));
    }
}
