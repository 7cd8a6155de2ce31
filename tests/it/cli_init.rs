//! `ctg init` through the real binary.

use crate::common::*;

#[test]
fn init_epci_then_verify() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("ctg.json");
    let out = ctg()
        .args(["init", "--epci", "242900660", "--debut", "2026-07-01", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["convention"]["periode"]["fin"], "2030-12-31");
    assert_eq!(v["territoire"]["communes"].as_array().unwrap().len(), 7);
    assert_eq!(v["axes"].as_array().unwrap().len(), 8);
    assert_eq!(v["axes"][0]["socle"], true);
    // A fresh CTG is incomplete: verifier says what is missing (no fiche in Axe 1…).
    let out = ctg()
        .args(["verifier", "--format", "json"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let codes: Vec<String> = stdout_json(&out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.contains(&"CTG-E030".to_string()), "{codes:?}");
    // Never overwrites without --force.
    let out = ctg()
        .args(["init", "--epci", "242900660", "-o"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_commune_and_bad_codes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.json");
    let out = ctg()
        .args(["init", "--commune", "29058", "-o"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    assert_eq!(
        v["territoire"]["communes"][0]["competences"]["qualite"],
        "exercee"
    );
    let out = ctg()
        .args(["init", "--epci", "242900661", "-o"])
        .arg(dir.path().join("x.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Luhn"));
    assert!(!dir.path().join("x.json").exists());
}

/// From a Word CTG of another Caf to a CTG ctg can write a convention for: `importer` reads
/// the plan (no territory, no period), `convention` says in words what is missing and how to
/// get it (it said « {{territoire.de}} » n'est pas renseigné), and `init --depuis` builds the
/// territory from the referential and takes the imported plan.
#[test]
fn a_word_ctg_imported_then_completed_by_init_gives_a_convention() {
    let dir = tempfile::tempdir().unwrap();
    let imported = dir.path().join("importee.json");
    ctg()
        .arg("importer")
        .arg(root().join("tests/fixtures/word/pyd-grille-modele-caf/document.docx"))
        .arg("-o")
        .arg(&imported)
        .assert()
        .code(predicates::ord::le(1));
    let out = ctg()
        .arg("convention")
        .arg(&imported)
        .arg("-o")
        .arg(dir.path().join("x.docx"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("la période de la convention manque"), "{err}");
    assert!(err.contains("aucune collectivité signataire"), "{err}");
    assert!(err.contains("ctg init"), "{err}");
    assert!(!err.contains("n'est pas renseigné dans la CTG"), "{err}");

    let complete = dir.path().join("ctg.json");
    let out = ctg()
        .args(["init", "--commune", "17347", "--depuis"])
        .arg(&imported)
        .arg("-o")
        .arg(&complete)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("repris : fiches-action"), "{err}");
    let from = ctg::io::read_model(&imported).unwrap();
    let got = ctg::io::read_model(&complete).unwrap();
    assert_eq!(got.fiches, from.fiches);
    assert_eq!(got.axes, from.axes);
    assert_eq!(got.territoire.communes.len(), 1);
    assert_eq!(got.territoire.communes[0].insee, "17347");
    assert!(got.convention.periode.debut.is_some());
    // What only the parties know: who signs.
    let mut m = got.clone();
    for s in &mut m.convention.signataires {
        s.representant = "Mme Odile Perrin".into();
        s.qualite = "Maire".into();
    }
    std::fs::write(&complete, ctg::io::model_json(&m)).unwrap();
    std::fs::write(
        dir.path().join("ctg.toml"),
        "[caf]\nnom = \"Caisse d'allocations familiales de la Charente-Maritime\"\ndepartement = \"17\"\n",
    )
    .unwrap();
    let out = ctg()
        .arg("convention")
        .arg(&complete)
        .arg("-o")
        .arg(dir.path().join("c.docx"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
