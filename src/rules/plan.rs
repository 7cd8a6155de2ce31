//! Action plan rules: Axe 1 present, fiches complete and unique, échéancier and follow-up
//! inside the period.

use crate::codes::Code;
use chrono::Datelike;

use super::Ctx;
use crate::diagnostic::{Diagnostic, Location};

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let ctg = ctx.ctg;
    let years = ctg
        .convention
        .periode
        .debut
        .map(|d| d.year())
        .zip(ctg.convention.periode.fin.map(|d| d.year()));
    if ctg.socle_axes().is_empty() {
        d.push(Diagnostic::new(
            Code::E030,
            Location::pointer("/axes"),
            "le plan n'a pas d'axe 1 « accueil du jeune enfant » (socle minimum)",
        ));
    } else if ctg.socle_fiches().is_empty() {
        d.push(Diagnostic::new(
            Code::E030,
            Location::pointer("/fiches"),
            "l'axe 1 « accueil du jeune enfant » (socle minimum) n'a aucune fiche-action",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in ctg.fiches.iter().enumerate() {
        let at = |field: &str| Location::pointer(format!("/fiches/{i}/{field}"));
        let name = if f.titre.trim().is_empty() {
            format!("fiche {}", f.id)
        } else {
            format!("fiche {} « {} »", f.id, f.titre)
        };
        if !seen.insert(f.id.as_str()) {
            d.push(
                Diagnostic::new(
                    Code::E031,
                    at("id"),
                    format!("l'identifiant {} est déjà pris par une autre fiche", f.id),
                )
                .value(&f.id),
            );
        }
        if f.titre.trim().is_empty() {
            d.push(Diagnostic::new(
                Code::E032,
                at("titre"),
                format!("la fiche {} n'a pas d'intitulé", f.id),
            ));
        }
        if f.pilote.trim().is_empty() {
            d.push(Diagnostic::new(
                Code::E033,
                at("pilote"),
                format!("{name} n'a pas de pilote"),
            ));
        }
        if !ctg.axes.iter().any(|a| a.id == f.axe) {
            d.push(
                Diagnostic::new(
                    Code::E034,
                    at("axe"),
                    format!("{name} se rattache à un axe « {} » qui n'existe pas", f.axe),
                )
                .value(&f.axe),
            );
        }
        if f.indicateurs.iter().all(|x| x.libelle.trim().is_empty()) {
            d.push(Diagnostic::new(
                Code::E035,
                at("indicateurs"),
                format!("{name} n'a aucun indicateur d'évaluation"),
            ));
        }
        for (j, e) in f.echeancier.iter().enumerate() {
            let outside = |y: Option<i32>| match (y, years) {
                (Some(y), Some((a, b))) => y < a || y > b,
                _ => false,
            };
            let reversed = matches!((e.debut, e.fin), (Some(a), Some(b)) if b < a);
            if outside(e.debut) || outside(e.fin) || reversed {
                let span = match (e.debut, e.fin) {
                    (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
                    (Some(a), _) | (None, Some(a)) => a.to_string(),
                    _ => String::new(),
                };
                let (a, b) = years.unwrap_or_default();
                d.push(
                    Diagnostic::new(Code::E036, Location::pointer(format!("/fiches/{i}/echeancier/{j}")), format!("{name} : l'échéance {span} sort de la période {a}-{b} ou finit avant de commencer"))
                        .value(span),
                );
            }
        }
    }
    for (i, s) in ctg.suivi.iter().enumerate() {
        let at = |field: &str| Location::pointer(format!("/suivi/{i}/{field}"));
        // Rows in the name of the territory's real EPCI (by the referential) are not blamed
        // when the CTG declares that EPCI badly or not at all: that is reported once, there.
        // (Looked up only for an unknown code, commune by commune: the whole commune table
        // is not parsed for it.)
        let epci_missing = || {
            let r = crate::territory::referentiel();
            ctg.territoire.communes.iter().any(|c| {
                r.commune(&c.insee)
                    .is_some_and(|rc| !rc.epci.is_empty() && rc.epci == s.collectivite)
            })
        };
        if !s.collectivite.trim().is_empty()
            && ctg.collectivite_nom(&s.collectivite).is_none()
            && !epci_missing()
        {
            d.push(
                Diagnostic::new(
                    Code::E047,
                    at("collectivite"),
                    format!(
                        "le suivi de la fiche {} ({}) est renseigné au nom de « {} », qui n'est ni une commune ni l'EPCI de la CTG",
                        s.fiche, s.trimestre, s.collectivite
                    ),
                )
                .value(&s.collectivite),
            );
        }
        if !ctg.fiches.iter().any(|f| f.id == s.fiche) {
            d.push(
                Diagnostic::new(
                    Code::E037,
                    at("fiche"),
                    format!(
                        "le suivi désigne une fiche « {} » qui n'existe pas",
                        s.fiche
                    ),
                )
                .value(&s.fiche),
            );
        }
        match crate::fr::Quarter::parse_canonical(&s.trimestre).map(|q| (q.year, q.q)) {
            None => d.push(
                Diagnostic::new(
                    Code::E038,
                    at("trimestre"),
                    format!(
                        "« {} » n'est pas un trimestre de la forme 2026-T1",
                        s.trimestre
                    ),
                )
                .value(&s.trimestre),
            ),
            Some((y, q)) => {
                if let (Some(debut), Some(fin)) =
                    (ctg.convention.periode.debut, ctg.convention.periode.fin)
                {
                    let q_start = (y, (q - 1) * 3 + 1);
                    let q_end = (y, q * 3);
                    if q_end < (debut.year(), debut.month()) || q_start > (fin.year(), fin.month())
                    {
                        d.push(
                            Diagnostic::new(
                                Code::E038,
                                at("trimestre"),
                                format!(
                                    "le trimestre {} est hors de la période de la convention",
                                    s.trimestre
                                ),
                            )
                            .value(&s.trimestre),
                        );
                    }
                }
            }
        }
        if let Some(p) = s.avancement
            && !(0.0..=100.0).contains(&p)
        {
            d.push(
                Diagnostic::new(
                    Code::E039,
                    at("avancement"),
                    format!(
                        "avancement de {} % pour la fiche {} : un pourcentage de 0 à 100 est attendu",
                        crate::fr::number(p),
                        s.fiche
                    ),
                )
                .value(p),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::model::Echeance;

    #[test]
    fn a_follow_up_row_in_the_name_of_a_stranger_is_an_error() {
        let mut ctg = sample();
        assert!(!has(&ctg, Code::E047));
        ctg.suivi[0].collectivite = "29999".into();
        assert!(has(&ctg, Code::E047));
        ctg.suivi[0].collectivite = "242900660".into();
        assert!(!has(&ctg, Code::E047), "the EPCI of the CTG");
        ctg.suivi[0].collectivite = String::new();
        assert!(!has(&ctg, Code::E047), "the column is optional");
    }

    #[test]
    fn sample_plan_is_clean() {
        let c = codes(&sample());
        for code in [
            Code::E030,
            Code::E031,
            Code::E032,
            Code::E033,
            Code::E034,
            Code::E035,
            Code::E036,
            Code::E037,
            Code::E038,
            Code::E039,
        ] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn axe_1_required_with_a_fiche() {
        let mut ctg = sample();
        let socle: Vec<String> = ctg.socle_axes().iter().map(|a| a.id.clone()).collect();
        ctg.fiches.retain(|f| !socle.contains(&f.axe));
        assert!(has(&ctg, Code::E030));
        ctg.axes.retain(|a| !socle.contains(&a.id));
        assert!(has(&ctg, Code::E030));
    }

    #[test]
    fn fiche_fields() {
        let mut ctg = sample();
        ctg.fiches[1].id = ctg.fiches[0].id.clone();
        ctg.fiches[2].titre.clear();
        ctg.fiches[3].pilote = "  ".into();
        ctg.fiches[4].axe = "axe-99".into();
        ctg.fiches[5].indicateurs.clear();
        let c = codes(&ctg);
        for code in [Code::E031, Code::E032, Code::E033, Code::E034, Code::E035] {
            assert!(c.contains(&code), "{code}");
        }
    }

    #[test]
    fn echeancier_inside_period() {
        let mut ctg = sample();
        ctg.fiches[0].echeancier.push(Echeance {
            debut: Some(2031),
            fin: Some(2032),
            jalon: "après".into(),
        });
        assert!(has(&ctg, Code::E036));
        let mut ctg = sample();
        ctg.fiches[0].echeancier.push(Echeance {
            debut: Some(2029),
            fin: Some(2027),
            jalon: "à l'envers".into(),
        });
        assert!(has(&ctg, Code::E036));
    }

    #[test]
    fn follow_up_rows() {
        let mut ctg = sample();
        ctg.suivi[0].fiche = "inconnue".into();
        ctg.suivi[1].trimestre = "2026-T5".into();
        ctg.suivi[2].avancement = Some(120.0);
        let c = codes(&ctg);
        assert!(c.contains(&Code::E037) && c.contains(&Code::E038) && c.contains(&Code::E039));
        let mut ctg = sample();
        ctg.suivi[0].trimestre = "2025-T4".into();
        assert!(has(&ctg, Code::E038));
    }
}
