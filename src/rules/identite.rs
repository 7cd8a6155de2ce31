//! Identity rules: INSEE codes and SIRENs exist, communes belong to the EPCI, declared
//! names and populations agree with the referential.

use super::Ctx;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::referentials::normalize;
use crate::territory::{check_insee, check_siren, referentiel};

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let r = referentiel();
    let t = &ctx.ctg.territoire;
    if let Some(e) = &t.epci {
        if let Err(why) = check_siren(&e.siren) {
            d.push(
                Diagnostic::new(
                    Code::E022,
                    Location::pointer("/territoire/epci/siren"),
                    format!("SIREN de l'EPCI invalide : {why}"),
                )
                .value(&e.siren),
            );
        } else if let Some(re) = r.epci(&e.siren) {
            if crate::territory::epci_key(re.nom) != crate::territory::epci_key(&e.nom) {
                d.push(
                    Diagnostic::new(
                        Code::W026,
                        Location::pointer("/territoire/epci/nom"),
                        format!(
                            "l'EPCI {} s'appelle « {} » dans le référentiel",
                            e.siren, re.nom
                        ),
                    )
                    .value(&e.nom),
                );
            }
            for m in r.membres(&e.siren) {
                if !t.communes.iter().any(|c| c.insee == m.insee) {
                    d.push(
                        Diagnostic::new(
                            Code::W027,
                            Location::pointer("/territoire/communes"),
                            format!(
                                "{} ({}), membre de {}, n'est pas dans le territoire de la CTG",
                                m.nom, m.insee, re.nom
                            ),
                        )
                        .value(m.insee),
                    );
                }
            }
        } else {
            d.push(
                Diagnostic::new(
                    Code::E023,
                    Location::pointer("/territoire/epci/siren"),
                    format!(
                        "aucun EPCI de SIREN {} dans le référentiel ({})",
                        e.siren, r.millesime
                    ),
                )
                .value(&e.siren),
            );
        }
    }
    for (i, c) in t.communes.iter().enumerate() {
        let at = |f: &str| Location::pointer(format!("/territoire/communes/{i}/{f}"));
        if let Err(why) = check_insee(&c.insee) {
            d.push(
                Diagnostic::new(
                    Code::E020,
                    at("insee"),
                    format!("code INSEE de {} mal formé : {why}", c.nom),
                )
                .value(&c.insee),
            );
            continue;
        }
        let Some(rc) = r.commune(&c.insee) else {
            d.push(
                Diagnostic::new(
                    Code::E021,
                    at("insee"),
                    format!(
                        "aucune commune actuelle de code {} dans le référentiel ({})",
                        c.insee, r.millesime
                    ),
                )
                .value(&c.insee),
            );
            continue;
        };
        if normalize(rc.nom) != normalize(&c.nom) {
            d.push(
                Diagnostic::new(
                    Code::W026,
                    at("nom"),
                    format!(
                        "la commune {} s'appelle « {} » dans le référentiel",
                        c.insee, rc.nom
                    ),
                )
                .value(&c.nom),
            );
        }
        if let Some(e) = &t.epci
            && rc.epci != e.siren
        {
            let actual = r.epci(rc.epci).map(|x| x.nom).unwrap_or("aucun EPCI");
            d.push(
                Diagnostic::new(
                    Code::E024,
                    at("insee"),
                    format!("{} n'appartient pas à {} mais à {}", rc.nom, e.nom, actual),
                )
                .value(&c.insee),
            );
        }
        for (field, declared, reference) in [
            (
                "population_municipale",
                c.population_municipale,
                rc.population_municipale,
            ),
            (
                "population_totale",
                c.population_totale,
                rc.population_totale,
            ),
        ] {
            if let (Some(a), Some(b)) = (declared, reference)
                && a != b
            {
                d.push(
                    Diagnostic::new(
                        Code::W025,
                        at(field),
                        format!(
                            "{} : {} déclarée {}, référentiel {} ({})",
                            c.nom,
                            field.replace('_', " "),
                            a,
                            b,
                            r.millesime
                        ),
                    )
                    .value(a),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn sample_identity_is_clean() {
        let c = codes(&sample());
        for code in [
            Code::E020,
            Code::E021,
            Code::E022,
            Code::E023,
            Code::E024,
            Code::W025,
            Code::W026,
            Code::W027,
        ] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn malformed_and_unknown_insee() {
        let mut ctg = sample();
        ctg.territoire.communes[1].insee = "2906".into();
        assert!(has(&ctg, Code::E020));
        ctg.territoire.communes[1].insee = "29999".into();
        assert!(has(&ctg, Code::E021));
    }

    #[test]
    fn bad_and_unknown_siren() {
        let mut ctg = sample();
        ctg.territoire.epci.as_mut().unwrap().siren = "242900661".into();
        assert!(has(&ctg, Code::E022));
        ctg.territoire.epci.as_mut().unwrap().siren = "000000000".into();
        assert!(has(&ctg, Code::E023));
    }

    #[test]
    fn commune_outside_epci() {
        let mut ctg = sample();
        ctg.territoire.communes[6].insee = "29019".into(); // Brest
        ctg.territoire.communes[6].nom = "Brest".into();
        ctg.territoire.communes[6].population_municipale = None;
        ctg.territoire.communes[6].population_totale = None;
        assert!(has(&ctg, Code::E024));
        assert!(has(&ctg, Code::W027));
    }

    #[test]
    fn population_and_name_differ() {
        let mut ctg = sample();
        ctg.territoire.communes[0].population_totale = Some(9_000);
        ctg.territoire.communes[0].nom = "Fouesnant-les-Glénan".into();
        let v = crate::rules::verify(&ctg, crate::ao::Basis::Totale);
        let w = v.diagnostics.iter().find(|d| d.code == Code::W025).unwrap();
        assert!(
            w.message.contains("9000") && w.message.contains("10710"),
            "{}",
            w.message
        );
        assert!(has(&ctg, Code::W026));
    }
}
