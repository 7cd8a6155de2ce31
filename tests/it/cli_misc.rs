//! `ctg schema`, `ctg regle`, `ctg referentiels`, `ctg demo` and the help texts.

use crate::common::*;

#[test]
fn schema_validates_the_sample_and_rejects_a_broken_one() {
    let out = ctg().arg("schema").output().unwrap();
    assert!(out.status.success());
    let schema = stdout_json(&out);
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let sample: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample()).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sample)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut bad = sample.clone();
    bad["convention"]["options"]["comite_pilotage"] = "presidence_tournante".into();
    bad["suivi"][0]["trimestre"] = "T1 2026".into();
    assert!(!validator.is_valid(&bad));
    let title = schema
        .pointer("/properties/convention/title")
        .and_then(|t| t.as_str());
    assert_eq!(title, Some("Convention"));
}

#[test]
fn regle_explains_a_rule_and_lists_all() {
    let out = ctg().args(["regle", "CTG-E012"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 500"));
    let out = ctg().args(["regle", "CTG-X999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = ctg().args(["regle", "--format", "json"]).output().unwrap();
    assert!(stdout_json(&out)["resultat"].as_array().unwrap().len() > 30);
}

#[test]
fn referentiels_lists_codes_and_labels() {
    let out = ctg()
        .args(["referentiels", "--format", "json"])
        .output()
        .unwrap();
    let v = stdout_json(&out)["resultat"].clone();
    assert_eq!(v["Objectif de la Caf"].as_array().unwrap().len(), 8);
    assert!(
        v["Type de structure"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "micro_creche_paje")
    );
}

#[test]
fn demo_writes_its_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = ctg()
        .arg("demo")
        .arg(dir.path().join("demo"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "territoire.txt",
        "territoire.json",
        "ctg.json",
        "verification.txt",
        "verification.json",
    ] {
        assert!(dir.path().join("demo").join(f).exists(), "{f}");
    }
}

#[test]
fn help_is_in_french() {
    let out = ctg().arg("--aide").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Utilisation") && text.contains("Commandes") && text.contains("verifier"),
        "{text}"
    );
    let out = ctg().args(["verifier", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Format de sortie"));
}

/// `--taux-erreurs 50` meant «every return» without a word: a share is between 0 and 1.
#[test]
fn an_error_rate_given_as_a_percentage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = ctg()
        .args([
            "exemple",
            "retours",
            "-n",
            "2",
            "--taux-erreurs",
            "50",
            "-o",
        ])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("une part de 0 à 1"), "{err}");
    assert!(!dir.path().join("r").exists());
}
