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
