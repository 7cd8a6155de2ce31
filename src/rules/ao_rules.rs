//! Autorité organisatrice rules (CASF L.214-1-3, L.214-2, D.214-10-1): competences each
//! commune must exercise, the RPE and the schéma contents above 10 000 inhabitants.

use crate::codes::Code;
use chrono::NaiveDate;

use super::Ctx;
use crate::ao::{self, Basis, Holder, SEUIL_PLANIFICATION, SEUIL_SCHEMA_RPE};
use crate::diagnostic::{Diagnostic, Location};
use crate::fr::int as fr_int;
use crate::model::Ctg;
use crate::referentials::{CompetenceAo, Referential, StatutAo, TypeStructure, normalize};

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    communes(ctx, d);
    epci_population(ctx, d);
    let rpe_applies = ctx.ctg.convention.periode.fin.is_none_or(|fin| {
        let (y, m, day) = ao::RPE_DEPUIS;
        fin >= NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    });
    for h in ao::holders(ctx.ctg, CompetenceAo::Qualite, ctx.basis) {
        if rpe_applies && h.population > SEUIL_SCHEMA_RPE as u64 && !has_rpe(ctx.ctg, &h.code) {
            d.push(
                Diagnostic::new(
                    Code::E013,
                    Location::pointer(h.pointer.clone()),
                    format!("{} ({} habitants, {}) exerce le soutien à la qualité : il lui faut un relais petite enfance dans sa liste d'équipements (annexe 2)", h.nom, fr_int(h.population), ctx.basis.label()),
                )
                .value(h.population),
            );
        }
    }
    for h in ao::holders(ctx.ctg, CompetenceAo::Planification, ctx.basis) {
        let has_table = ctx
            .ctg
            .projections
            .iter()
            .any(|p| p.ao == h.code && !p.lignes.is_empty());
        if h.population <= SEUIL_SCHEMA_RPE as u64 && !has_table {
            d.push(
                Diagnostic::new(
                    Code::W019,
                    Location::pointer(h.pointer.clone()),
                    format!("{} exerce la planification de l'offre d'accueil : son tableau de projection par mode d'accueil manque (annexe 3)", h.nom),
                )
                .value(&h.code),
            );
        }
        if h.population > SEUIL_SCHEMA_RPE as u64 {
            for missing in schema_gaps(ctx.ctg, &h) {
                d.push(
                    Diagnostic::new(
                        Code::E014,
                        Location::pointer(h.pointer.clone()),
                        format!("{} ({} habitants) planifie l'offre : la CTG doit contenir {missing} pour tenir lieu de schéma pluriannuel", h.nom, fr_int(h.population)),
                    )
                    .value(h.population),
                );
            }
        }
        if h.is_epci && ao::near_threshold(h.population.min(u32::MAX as u64) as u32).is_some() {
            near(d, &h.nom, h.population, h.pointer.clone(), ctx.basis);
        }
    }
}

fn communes(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let has_epci = ctx.ctg.territoire.epci.is_some();
    for (i, c) in ctx.ctg.territoire.communes.iter().enumerate() {
        let at = |f: &str| Location::pointer(format!("/territoire/communes/{i}/{f}"));
        let pop = ao::population(c, ctx.basis);
        for (comp, code) in [
            (CompetenceAo::Recensement, Code::E010),
            (CompetenceAo::Information, Code::E011),
        ] {
            if c.competences.get(comp) == StatutAo::NonExercee {
                d.push(
                    Diagnostic::new(
                        code,
                        at(&format!("competences/{}", comp.code())),
                        format!(
                            "{} doit exercer « {} », elle-même ou par transfert à l'EPCI",
                            c.nom,
                            comp.short()
                        ),
                    )
                    .value(StatutAo::NonExercee.label()),
                );
            }
        }
        match pop {
            None => d.push(Diagnostic::new(
                Code::W018,
                at(population_field(ctx.basis)),
                format!(
                    "{} : {} inconnue, seuils non vérifiables",
                    c.nom,
                    ctx.basis.label()
                ),
            )),
            Some(p) => {
                if p > SEUIL_PLANIFICATION {
                    for comp in [CompetenceAo::Planification, CompetenceAo::Qualite] {
                        if c.competences.get(comp) == StatutAo::NonExercee {
                            d.push(
                                Diagnostic::new(
                                    Code::E012,
                                    at(&format!("competences/{}", comp.code())),
                                    format!("{} compte {} habitants ({}, plus de 3 500) : « {} » est obligatoire", c.nom, fr_int(p as u64), ctx.basis.label(), comp.short()),
                                )
                                .value(StatutAo::NonExercee.label()),
                            );
                        }
                    }
                }
                if ao::near_threshold(p).is_some() {
                    near(
                        d,
                        &c.nom,
                        p as u64,
                        format!("/territoire/communes/{i}/{}", population_field(ctx.basis)),
                        ctx.basis,
                    );
                }
            }
        }
        if !has_epci {
            for comp in CompetenceAo::all() {
                if c.competences.get(*comp) == StatutAo::Transferee {
                    d.push(
                        Diagnostic::new(
                            Code::E017,
                            at(&format!("competences/{}", comp.code())),
                            format!(
                                "{} transfère « {} » à l'EPCI, mais la CTG ne désigne pas d'EPCI",
                                c.nom,
                                comp.short()
                            ),
                        )
                        .value(StatutAo::Transferee.label()),
                    );
                }
            }
        }
    }
}

fn near(d: &mut Vec<Diagnostic>, nom: &str, p: u64, pointer: String, basis: Basis) {
    let t = ao::near_threshold(p as u32).unwrap_or(0);
    d.push(
        Diagnostic::new(
            Code::I016,
            Location::pointer(pointer),
            format!("{nom} : {} habitants ({}), à moins de 2 % du seuil de {} : vérifiez le millésime et la base de population", fr_int(p), basis.label(), fr_int(t as u64)),
        )
        .value(p),
    );
}

fn population_field(b: Basis) -> &'static str {
    match b {
        Basis::Totale => "population_totale",
        Basis::Municipale => "population_municipale",
    }
}

fn epci_population(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let Some(e) = &ctx.ctg.territoire.epci else {
        return;
    };
    let communes = &ctx.ctg.territoire.communes;
    for (field, declared, sum) in [
        (
            "population_municipale",
            e.population_municipale,
            communes
                .iter()
                .map(|c| c.population_municipale)
                .sum::<Option<u32>>(),
        ),
        (
            "population_totale",
            e.population_totale,
            communes
                .iter()
                .map(|c| c.population_totale)
                .sum::<Option<u32>>(),
        ),
    ] {
        if let (Some(a), Some(b)) = (declared, sum)
            && a != b
        {
            d.push(
                Diagnostic::new(
                    Code::W015,
                    Location::pointer(format!("/territoire/epci/{field}")),
                    format!(
                        "{} : {} déclarée {}, somme des communes {}",
                        e.nom,
                        field.replace('_', " "),
                        a,
                        b
                    ),
                )
                .value(a),
            );
        }
    }
}

fn has_rpe(ctg: &Ctg, code: &str) -> bool {
    ctg.equipements
        .iter()
        .any(|e| e.collectivite == code && e.type_structure == TypeStructure::Rpe)
}

/// The D.214-10-1 contents the CTG lacks for this AO, in French.
fn schema_gaps(ctg: &Ctg, h: &Holder) -> Vec<&'static str> {
    use TypeStructure::*;
    let petite_enfance = [
        EajePsu,
        MicroCrechePaje,
        Mam,
        AccueilDomicile,
        Rpe,
        Passerelles,
        Laep,
        Maison1000Jours,
    ];
    let mut gaps = Vec::new();
    if !ctg
        .equipements
        .iter()
        .any(|e| e.collectivite == h.code && petite_enfance.contains(&e.type_structure))
    {
        gaps.push("l'offre existante (équipements petite enfance à l'annexe 2)");
    }
    if !ctg
        .diagnostic
        .iter()
        .any(|s| normalize(&s.titre).contains("petite enfance") && !s.texte.trim().is_empty())
    {
        gaps.push("les besoins (section « Petite enfance » du diagnostic, annexe 1)");
    }
    if !ctg
        .projections
        .iter()
        .any(|p| p.ao == h.code && !p.lignes.is_empty())
    {
        gaps.push("son tableau de projection par mode d'accueil");
    }
    let socle = ctg.socle_fiches();
    if !socle.iter().any(|f| !f.echeancier.is_empty()) {
        gaps.push("un calendrier (échéancier des fiches de l'axe 1)");
    }
    if !socle.iter().any(|f| !f.indicateurs.is_empty()) {
        gaps.push("des indicateurs (fiches de l'axe 1)");
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::ao::Basis;
    use crate::referentials::{StatutAo, TypeStructure};
    use crate::rules::verify;

    #[test]
    fn sample_ao_is_clean() {
        let c = codes(&sample());
        for code in [
            Code::E010,
            Code::E011,
            Code::E012,
            Code::E013,
            Code::E014,
            Code::W015,
            Code::E017,
            Code::W018,
        ] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn recensement_and_information_are_mandatory() {
        let mut ctg = sample();
        ctg.territoire.communes[6].competences.recensement = StatutAo::NonExercee;
        ctg.territoire.communes[5].competences.information = StatutAo::NonExercee;
        assert!(has(&ctg, Code::E010));
        assert!(has(&ctg, Code::E011));
    }

    #[test]
    fn above_3500_planification_and_qualite() {
        let mut ctg = sample();
        let c = ctg
            .territoire
            .communes
            .iter_mut()
            .find(|c| c.insee == "29006")
            .unwrap(); // Bénodet
        c.competences.planification = StatutAo::NonExercee;
        assert!(has(&ctg, Code::E012));
        // Pleuven (about 3 386) may leave it.
        let mut ctg = sample();
        let c = ctg
            .territoire
            .communes
            .iter_mut()
            .find(|c| c.insee == "29161")
            .unwrap();
        c.competences.planification = StatutAo::NonExercee;
        assert!(!has(&ctg, Code::E012));
    }

    #[test]
    fn population_basis_changes_the_threshold() {
        // Saint-Évarzec: 3 605 totale, 3 491 municipale.
        let mut ctg = sample();
        let c = ctg
            .territoire
            .communes
            .iter_mut()
            .find(|c| c.insee == "29247")
            .unwrap();
        c.competences.planification = StatutAo::NonExercee;
        assert!(
            verify(&ctg, Basis::Totale)
                .diagnostics
                .iter()
                .any(|d| d.code == Code::E012)
        );
        assert!(
            !verify(&ctg, Basis::Municipale)
                .diagnostics
                .iter()
                .any(|d| d.code == Code::E012)
        );
    }

    #[test]
    fn rpe_required_above_10000() {
        let mut ctg = sample();
        ctg.equipements
            .retain(|e| e.type_structure != TypeStructure::Rpe);
        assert!(has(&ctg, Code::E013));
    }

    #[test]
    fn schema_contents_required_above_10000() {
        let mut ctg = sample();
        ctg.projections.retain(|p| p.ao != "29058");
        let v = verify(&ctg, Basis::Totale);
        let e = v
            .diagnostics
            .iter()
            .find(|d| d.code == Code::E014)
            .expect("E014");
        assert!(e.message.contains("tableau de projection"), "{}", e.message);
    }

    #[test]
    fn a_small_ao_planning_the_offer_without_a_projection_table_is_warned() {
        let ctg = sample();
        let v = verify(&ctg, Basis::Totale);
        let w: Vec<&str> = v
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::W019)
            .map(|d| d.message.as_str())
            .collect();
        // Saint-Évarzec plans its offer and has no table; Bénodet has one.
        assert!(w.iter().any(|m| m.starts_with("Saint-Évarzec")), "{w:?}");
        assert!(!w.iter().any(|m| m.starts_with("Bénodet")), "{w:?}");
    }

    #[test]
    fn epci_population_consistency() {
        let mut ctg = sample();
        ctg.territoire.epci.as_mut().unwrap().population_totale = Some(40_000);
        assert!(has(&ctg, Code::W015));
    }

    #[test]
    fn near_threshold_notice() {
        // La Forêt-Fouesnant: 3 570 totale, exactly 2 % above 3 500.
        assert!(has(&sample(), Code::I016));
        let mut ctg = sample();
        for c in &mut ctg.territoire.communes {
            c.population_totale = c.population_totale.map(|p| p + 200);
        }
        ctg.territoire.epci.as_mut().unwrap().population_totale = None;
        assert!(
            !verify(&ctg, Basis::Totale)
                .diagnostics
                .iter()
                .any(|d| d.code == Code::I016)
        );
    }

    #[test]
    fn transfer_without_epci() {
        let mut ctg = sample();
        ctg.territoire.epci = None;
        assert!(has(&ctg, Code::E017));
    }

    #[test]
    fn unknown_population() {
        let mut ctg = sample();
        ctg.territoire.communes[0].population_totale = None;
        ctg.territoire.communes[0].insee = "99999".into();
        assert!(has(&ctg, Code::W018));
    }
}
