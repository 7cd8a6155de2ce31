//! `ctg verifier` through the real binary: the sample is clean, every broken variant
//! exits with its expected codes.

use crate::common::*;

#[test]
fn sample_passes_with_exit_0() {
    let out = ctg().arg("verifier").arg(sample()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 erreur"), "{text}");
    assert!(text.contains("population totale"), "{text}");
    assert!(text.contains("@etalab/decoupage-administratif@"), "{text}");
}

#[test]
fn json_output_has_diagnostics_and_summary() {
    let out = ctg()
        .args(["verifier", "--format", "json"])
        .arg(input("broken/ao-sans-rpe.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let d = &v["diagnostics"][0];
    for key in [
        "code",
        "gravite",
        "emplacement",
        "lieu",
        "message",
        "valeur",
    ] {
        assert!(d.get(key).is_some(), "{key} missing in {d}");
    }
    assert!(v["compteurs"]["erreurs"].as_u64().unwrap() >= 1);
    assert_eq!(v["resultat"]["population"], "population totale");
}

#[test]
fn every_broken_variant_gives_its_codes() {
    let manifest = std::fs::read_to_string(input("broken/expected.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, exit, codes) = (
            cols[0],
            cols[1].parse::<i32>().unwrap(),
            cols.get(2).copied().unwrap_or(""),
        );
        let out = ctg()
            .args(["verifier", "--format", "json"])
            .arg(input(&format!("broken/{file}")))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if exit == 1 {
            let v = stdout_json(&out);
            let found: Vec<&str> = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            for code in codes.split(',').filter(|c| !c.is_empty()) {
                assert!(found.contains(&code), "{file}: {code} not in {found:?}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} variants");
}

#[test]
fn invalid_json_gives_line_and_column_and_exit_2() {
    let out = ctg()
        .arg("verifier")
        .arg(input("broken/json-invalide.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ligne 5") && err.contains("colonne"), "{err}");
}

#[test]
fn unknown_option_value_is_named() {
    let out = ctg()
        .arg("verifier")
        .arg(input("broken/option-inconnue.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("presidence_tournante"), "{err}");
}

#[test]
fn missing_file_exits_2() {
    let out = ctg()
        .args(["verifier", "/nonexistent/ctg.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("impossible de lire"));
}

#[test]
fn municipale_basis_is_stated_and_changes_findings() {
    let out = ctg()
        .args(["verifier", "--format", "json", "--population", "municipale"])
        .arg(sample())
        .output()
        .unwrap();
    let v = stdout_json(&out);
    assert_eq!(v["resultat"]["population"], "population municipale");
    // On the municipale basis, Saint-Évarzec (3 491) is near 3 500: an info notice.
    let near: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-I016")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(near.iter().any(|m| m.contains("Saint-Évarzec")), "{near:?}");
}
