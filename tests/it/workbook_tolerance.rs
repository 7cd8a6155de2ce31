//! What partners do to a form, and what the reader makes of it: moved and extra columns,
//! a title row, blank rows, notes under the table, French numbers, codes typed as numbers,
//! quarters written «T2 2026», formulas with and without a cached value, list values that
//! are close to a label.

use std::io::{Read, Write};

use ctg::workbook::layouts::RETOUR_COMMUNE;
use ctg::workbook::read;
use ctg::workbook::write::Meta;
use rust_xlsxwriter::{Formula, Workbook};

fn partner_file() -> Vec<u8> {
    let mut wb = Workbook::new();
    let id = wb.add_worksheet();
    id.set_name("Identité").unwrap();
    let rows: [(&str, &str); 8] = [
        ("Code INSEE *", "29058"),
        ("Commune *", "Fouesnant"),
        ("Population municipale", "10 204"),
        ("Population totale", "10\u{a0}710"),
        ("Recensement des besoins *", "Exercée par la commune"),
        ("Information des familles *", "transférée"),
        ("Planification *", "exercée"),
        (
            "Soutien à la qualité *",
            "Transférée par la commune à l'EPCI",
        ),
    ];
    id.write_string(0, 0, "Rubrique").unwrap();
    for (i, (k, v)) in rows.iter().enumerate() {
        id.write_string(i as u32 + 1, 0, *k).unwrap();
        id.write_string(i as u32 + 1, 1, *v).unwrap();
    }
    let eq = wb.add_worksheet();
    eq.set_name("Équipements").unwrap();
    eq.write_string(0, 0, "Liste des équipements de la commune")
        .unwrap(); // a title above the table
    let headers = [
        "Nom de la structure *",
        "Type de structure *",
        "Remarques",
        "Collectivité (INSEE ou SIREN) *",
        "Adresse",
        "Précision si « Autres »",
        "Commune d'implantation (INSEE)",
    ];
    for (c, h) in headers.iter().enumerate() {
        eq.write_string(2, c as u16, *h).unwrap();
    }
    let data: [[&str; 7]; 2] = [
        [
            "Multi-accueil Les Petits Mousses",
            "eaje psu",
            "à rénover",
            "29058",
            "4 allée des Embruns",
            "",
            "29058",
        ],
        [
            "Centre social de Kerbader",
            "centres sociaux",
            "",
            "29058",
            "Kerbader",
            "",
            "29058",
        ],
    ];
    eq.write_string(3, 0, data[0][0]).unwrap();
    for (c, v) in data[0].iter().enumerate() {
        eq.write_string(3, c as u16, *v).unwrap();
    }
    // A blank row, then the second structure, then a note under the table.
    for (c, v) in data[1].iter().enumerate() {
        eq.write_string(5, c as u16, *v).unwrap();
    }
    eq.write_string(8, 0, "NB : la micro-crèche ouvrira en 2027")
        .unwrap();
    let pr = wb.add_worksheet();
    pr.set_name("Projections par année").unwrap();
    for (c, h) in [
        "Autorité organisatrice (INSEE ou SIREN) *",
        "Zone",
        "Mode d'accueil *",
        "Année *",
        "Valeur projetée *",
    ]
    .iter()
    .enumerate()
    {
        pr.write_string(0, c as u16, *h).unwrap();
    }
    pr.write_number(1, 0, 29058.0).unwrap(); // code typed as a number
    pr.write_string(1, 2, "EAJE PSU").unwrap();
    pr.write_number(1, 3, 2026.0).unwrap();
    pr.write_number(1, 4, 30.0).unwrap();
    pr.write_string(2, 0, "29058").unwrap();
    pr.write_string(2, 2, "Relais petite enfance").unwrap();
    pr.write_string(2, 3, "2027").unwrap();
    pr.write_string(2, 4, "1,5").unwrap();
    pr.write_string(3, 0, "29058").unwrap();
    pr.write_string(3, 2, "MAM").unwrap();
    pr.write_number(3, 3, 2028.0).unwrap();
    pr.write_formula(3, 4, Formula::new("=6*2").set_result("12"))
        .unwrap();
    let su = wb.add_worksheet();
    su.set_name("Suivi").unwrap();
    for (c, h) in [
        "Fiche *",
        "Trimestre *",
        "Collectivité (INSEE ou SIREN)",
        "État d'avancement *",
        "Avancement (%)",
        "Commentaire",
    ]
    .iter()
    .enumerate()
    {
        su.write_string(0, c as u16, *h).unwrap();
    }
    su.write_string(1, 0, "1.1").unwrap();
    su.write_string(1, 1, "T2 2026").unwrap();
    su.write_string(1, 2, "29058").unwrap();
    su.write_string(1, 3, "EN COURS").unwrap();
    su.write_formula(1, 4, Formula::new("=NOCACHE()")).unwrap();
    su.write_string(1, 5, "Études lancées.\nVisite du site en juin.")
        .unwrap();
    for name in ["Projections", "Suivi des indicateurs"] {
        wb.add_worksheet().set_name(name).unwrap();
    }
    let meta = wb.add_worksheet();
    meta.set_name("_meta").unwrap();
    let m = Meta {
        ctg_id: "ctg-242900660-2026".into(),
        code: "29058".into(),
        nom: "Fouesnant".into(),
        debut: "2026-01-01".into(),
        fin: "2030-12-31".into(),
        fiches: "1.1,1.2".into(),
        ..Default::default()
    };
    for (i, (k, v)) in m.pairs(&RETOUR_COMMUNE).iter().enumerate() {
        meta.write_string(i as u32, 0, *k).unwrap();
        meta.write_string(i as u32, 1, v).unwrap();
    }
    strip_cached_value(wb.save_to_buffer().unwrap(), "NOCACHE()")
}

/// Removes the cached result of one formula, as some tools save them.
fn strip_cached_value(xlsx: Vec<u8>, formula: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        let s = String::from_utf8_lossy(&text).to_string();
        let s = if s.contains(formula) {
            s.replace(
                &format!("<f>{formula}</f><v>0</v>"),
                &format!("<f>{formula}</f>"),
            )
        } else {
            s
        };
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(s.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn partner_habits_are_tolerated_and_reported() {
    let bytes = partner_file();
    let out = read::read(&bytes, "retour.xlsx", None).unwrap();
    let codes: Vec<(&str, String)> = out
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.location.to_string()))
        .collect();
    let has = |code: &str, cell: &str| codes.iter().any(|(c, l)| *c == code && l.ends_with(cell));
    assert!(has("CTG-W106", "Équipements!3"), "{codes:?}");
    assert!(has("CTG-W105", "Équipements!C3"), "{codes:?}");
    assert!(has("CTG-I116", "Équipements!A9"), "{codes:?}");
    assert!(has("CTG-I116", "Équipements!A1"), "{codes:?}");
    assert!(has("CTG-I113", "Équipements!B6"), "{codes:?}");
    assert!(has("CTG-W115", "Suivi!E2"), "{codes:?}");
    // The «Projections» sheet was left empty: the lines are created from the yearly values.
    assert!(has("CTG-W119", "Projections par année!A2"), "{codes:?}");
    let errors: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == ctg::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let m = &out.model;
    let c = &m.territoire.communes[0];
    assert_eq!(
        (c.population_municipale, c.population_totale),
        (Some(10_204), Some(10_710))
    );
    assert_eq!(
        c.competences.information,
        ctg::referentials::StatutAo::Transferee
    );
    assert_eq!(m.equipements.len(), 2);
    assert_eq!(
        m.equipements[0].type_structure,
        ctg::referentials::TypeStructure::EajePsu
    );
    assert_eq!(
        m.equipements[1].type_structure,
        ctg::referentials::TypeStructure::CentreSocial
    );
    let lines = &m.projections[0].lignes;
    assert_eq!(m.projections[0].ao, "29058");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1].annees[0].valeur, 1.5);
    assert_eq!(lines[2].annees[0].valeur, 12.0);
    assert_eq!(m.suivi[0].trimestre, "2026-T2");
    assert_eq!(m.suivi[0].etat, ctg::referentials::EtatSuivi::EnCours);
    assert_eq!(m.suivi[0].avancement, None);
    assert_eq!(
        m.suivi[0].commentaire,
        "Études lancées.\nVisite du site en juin."
    );
    assert_eq!(out.counts.read, out.counts.kept + out.counts.rejected);
    assert_eq!(out.counts.read, 6);
}

#[test]
fn a_wrong_commune_code_is_flagged_against_the_form() {
    let bytes = partner_file();
    let report = ctg::returns::validate(&bytes, "retour.xlsx", None, ctg::ao::Basis::Totale);
    assert!(!report.diagnostics.iter().any(|d| d.code == "CTG-E121"));
    assert_eq!(report.collectivite, "29058");
    // Fouesnant exercises planification: the rules of a return apply (no error here).
    assert!(
        !ctg::returns::has_errors(&report),
        "{:#?}",
        report.diagnostics
    );
}
