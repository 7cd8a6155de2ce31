//! `ctg territoire` through the real binary.

use crate::common::*;

#[test]
fn pays_fouesnantais_lists_seven_communes_with_obligations() {
    let out = ctg().args(["territoire", "242900660"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "Fouesnant",
        "Bénodet",
        "Saint-Évarzec",
        "La Forêt-Fouesnant",
        "Pleuven",
        "Gouesnach",
        "Clohars-Fouesnant",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    assert!(text.contains("10\u{202f}710"), "{text}");
}

#[test]
fn json_gives_every_competence_and_rpe_for_fouesnant() {
    let out = ctg()
        .args(["territoire", "242900660", "--format", "json"])
        .output()
        .unwrap();
    let v = stdout_json(&out)["resultat"].clone();
    assert_eq!(v["epci"]["siren"], "242900660");
    let communes = v["communes"].as_array().unwrap();
    assert_eq!(communes.len(), 7);
    let f = communes.iter().find(|c| c["insee"] == "29058").unwrap();
    assert_eq!(f["competences_obligatoires"].as_array().unwrap().len(), 4);
    assert_eq!(f["rpe_obligatoire"], true);
    let clohars = communes.iter().find(|c| c["insee"] == "29032").unwrap();
    assert_eq!(
        clohars["competences_obligatoires"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(clohars["rpe_obligatoire"], false);
    assert!(
        f["raisons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("10 000"))
    );
}

#[test]
fn lookup_by_insee_and_by_name() {
    let out = ctg()
        .args(["territoire", "29247", "--format", "json"])
        .output()
        .unwrap();
    let v = stdout_json(&out)["resultat"].clone();
    assert_eq!(v["communes"][0]["nom"], "Saint-Évarzec");
    assert_eq!(v["epci"]["siren"], "242900660");
    let out = ctg()
        .args(["territoire", "saint evarzec", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        stdout_json(&out)["resultat"]["communes"][0]["insee"],
        "29247"
    );
}

#[test]
fn municipale_basis_changes_saint_evarzec() {
    let out = ctg()
        .args([
            "territoire",
            "29247",
            "--format",
            "json",
            "--population",
            "municipale",
        ])
        .output()
        .unwrap();
    let v = stdout_json(&out)["resultat"].clone();
    assert_eq!(
        v["communes"][0]["competences_obligatoires"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn unknown_and_ambiguous_queries_exit_2() {
    let out = ctg()
        .args(["territoire", "introuvable-zzz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = ctg().args(["territoire", "Saint"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plusieurs"));
}
