//! Property tests: model → workbook → model is the identity on generated models with
//! accents, line breaks inside cells, codes with leading zeros (01001, 2A004), long texts;
//! a text beyond Excel's 32 767 characters per cell is a clear error.

use ctg::model::*;
use ctg::referentials::*;
use ctg::workbook::{export, read};
use proptest::prelude::*;

/// Trimmed, non-empty text with accents, punctuation and inner line breaks.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[A-Za-zéèêàçùôœÉÀÇ0-9'’«» ,;:!?()-]{1,30}(\n[a-zéàç0-9 ,.-]{1,20}){0,2}",
    )
    .unwrap()
    .prop_map(|s| s.trim().to_string())
    .prop_filter("non-empty", |s| {
        !s.is_empty() && !s.contains("\n ") && !s.contains(" \n")
    })
    .prop_map(|s| s.lines().map(|l| l.trim()).collect::<Vec<_>>().join("\n"))
    .prop_filter("non-empty lines", |s| s.lines().all(|l| !l.is_empty()))
}

fn insee() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..96)
            .prop_filter("no 20", |d| *d != 20)
            .prop_flat_map(|d| (Just(d), 1u32..1000))
            .prop_map(|(d, n)| format!("{d:02}{n:03}")),
        (prop_oneof![Just("2A"), Just("2B")], 1u32..400).prop_map(|(d, n)| format!("{d}{n:03}")),
        (971u32..977, 1u32..99).prop_map(|(d, n)| format!("{d}{n:02}")),
    ]
}

fn money() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..5_000_000).prop_map(|n| n as f64),
        (0u32..1_000_000).prop_map(|n| n as f64 / 100.0),
        (0.0f64..1e9)
    ]
}

fn pick<T: Referential + std::fmt::Debug>() -> impl Strategy<Value = T> {
    (0..T::all().len()).prop_map(|i| T::all()[i])
}

fn date() -> impl Strategy<Value = Option<chrono::NaiveDate>> {
    proptest::option::of(
        (1990i32..2100, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()),
    )
}

prop_compose! {
    fn commune()(insee in insee(), nom in text(), pm in proptest::option::of(0u32..3_000_000), pt in proptest::option::of(0u32..3_000_000),
                 s in proptest::collection::vec(pick::<StatutAo>(), 4)) -> Commune {
        Commune { insee, nom, population_municipale: pm, population_totale: pt, millesime: "test".into(),
                  competences: Competences { recensement: s[0], information: s[1], planification: s[2], qualite: s[3] } }
    }
}

prop_compose! {
    fn fiche(id: String)(titre in text(), pilote in text(), disposition in pick::<Disposition>(), desc in text(),
                 forts in proptest::collection::vec(text(), 0..3), ind in proptest::collection::vec((text(), proptest::option::of(money()), text()), 0..3),
                 ech in proptest::collection::vec((proptest::option::of(1990i32..2100), proptest::option::of(1990i32..2100), text()), 0..3),
                 autres in proptest::collection::vec((text(), text()), 0..2), colls in proptest::collection::vec(insee(), 0..3)) -> FicheAction {
        FicheAction {
            id: id.clone(), axe: "axe-1".into(), titre, disposition, pilote, description: desc, points_forts: forts,
            indicateurs: ind.into_iter().map(|(l, c, u)| Indicateur { libelle: l, valeur_initiale: c.map(|x| x + 1.0), cible: c, unite: u }).collect(),
            echeancier: ech.into_iter().map(|(a, b, j)| Echeance { debut: a, fin: b, jalon: j }).collect(),
            autres: autres.into_iter().map(|(l, t)| Rubrique { libelle: l, texte: t }).collect(),
            collectivites: colls,
            ..Default::default()
        }
    }
}

fn ctg_model() -> impl Strategy<Value = Ctg> {
    (
        proptest::collection::vec(commune(), 1..4),
        (1usize..4).prop_flat_map(|n| {
            (0..n)
                .map(|i| fiche(format!("{}.{}", i / 2 + 1, i)))
                .collect::<Vec<_>>()
        }),
        (
            text(),
            date(),
            date(),
            pick::<ComitePilotage>(),
            pick::<Secretariat>(),
            any::<bool>(),
        ),
        proptest::collection::vec((pick::<TypeStructure>(), text(), text()), 0..4),
        proptest::collection::vec(
            (
                pick::<ModeAccueil>(),
                proptest::option::of(money()),
                proptest::collection::vec((1990i32..2100, money()), 0..3),
            ),
            0..3,
        ),
        proptest::collection::vec(
            (pick::<EtatSuivi>(), proptest::option::of(0u32..101), text()),
            0..3,
        ),
    )
        .prop_map(
            |(communes, fiches, (titre, debut, fin, copil, secr, num), eqs, lines, suivi)| {
                let mut c = Ctg::empty();
                c.convention.id = "ctg-prop".into();
                c.convention.titre = titre;
                c.convention.periode = Periode { debut, fin };
                c.convention.options = Options {
                    comite_pilotage: copil,
                    secretariat: secr,
                    suivi_numerique: num,
                };
                c.axes = vec![Axe {
                    id: "axe-1".into(),
                    titre: "Axe".into(),
                    objectif: Some(ObjectifCaf::AccueilJeuneEnfant),
                    socle: true,
                }];
                let code = communes[0].insee.clone();
                c.equipements = eqs
                    .into_iter()
                    .map(|(t, nom, adresse)| Equipement {
                        collectivite: code.clone(),
                        type_structure: t,
                        nom,
                        adresse,
                        ..Default::default()
                    })
                    .collect();
                let mut modes = std::collections::BTreeSet::new();
                let lignes = lines
                    .into_iter()
                    .filter(|(m, _, _)| modes.insert(*m))
                    .map(|(mode, actuel, ans)| LigneProjection {
                        mode,
                        actuel,
                        annees: ans
                            .into_iter()
                            .map(|(annee, valeur)| ValeurAnnee { annee, valeur })
                            .collect(),
                        ..Default::default()
                    })
                    .collect();
                c.projections = vec![Projection {
                    ao: code.clone(),
                    zone: String::new(),
                    lignes,
                }];
                c.suivi = suivi
                    .into_iter()
                    .enumerate()
                    .map(|(i, (etat, av, com))| Suivi {
                        fiche: fiches[0].id.clone(),
                        trimestre: format!("2026-T{}", i % 4 + 1),
                        collectivite: format!("c{i}"),
                        etat,
                        avancement: av.map(|a| a as f64),
                        commentaire: com,
                        indicateurs: vec![],
                    })
                    .collect();
                c.fiches = fiches;
                let mut seen = std::collections::HashSet::new();
                c.territoire.communes = communes
                    .into_iter()
                    .filter(|x| seen.insert(x.insee.clone()))
                    .collect();
                c
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
    #[test]
    fn generated_models_round_trip(ctg in ctg_model()) {
        let bytes = export(&ctg).unwrap();
        let out = read::read(&bytes, "p.xlsx", None).unwrap();
        // Empty required fields of the «Convention» record are reported, and kept as empty.
        let problems: Vec<_> = out.diagnostics.iter()
            .filter(|d| d.severity == ctg::Severity::Error)
            .filter(|d| !(d.code == "CTG-E107" && d.location.sheet.as_deref() == Some("Convention")))
            .collect();
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(ctg::io::model_json(&out.model), ctg::io::model_json(&ctg));
    }
}

#[test]
fn texts_up_to_the_cell_limit_round_trip_and_beyond_is_a_clear_error() {
    let mut ctg = Ctg::empty();
    ctg.convention.id = "long".into();
    let long: String = "é".repeat(30_000) + &"a\n".repeat(1_383) + "z";
    assert_eq!(long.chars().count(), 32_767);
    ctg.fiches.push(FicheAction {
        id: "01".into(),
        axe: "axe-1".into(),
        titre: "Longue".into(),
        pilote: "RPE".into(),
        description: long,
        ..Default::default()
    });
    let out = read::read(&export(&ctg).unwrap(), "l.xlsx", None).unwrap();
    assert!(
        out.model == ctg,
        "the 32 767-character text did not round trip"
    );
    ctg.fiches[0].description.push('!');
    let err = export(&ctg).unwrap_err().to_string();
    assert!(err.contains("32\u{202f}768 caractères"), "{err}");
    assert!(err.contains("32\u{202f}767 par cellule"), "{err}");
    assert!(err.contains("CTG-E120"), "{err}");
    assert!(err.contains("Fiches!"), "{err}");
}
