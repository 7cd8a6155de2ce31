//! Returns written by tools other than Excel and LibreOffice (`tests/fixtures/tiers/`, made by
//! `fabriquer.py` by someone who had not read the reader, each with its `NAME.attendu.json`):
//! openpyxl (namespaces declared on each `<sheet>` and each `<vt:lpwstr>`, inline strings), a
//! writer that prefixes every namespace (`x:`, `pr:`, `ct:`, `op:`/`vt2:`, as the Open XML SDK
//! and ERP exports do), a minimal pandas-like writer. Every mistake of the truth file must be
//! reported as an error at its cell with the partner's value, no other error invented, no
//! cell reported twice; and the annotated copy must stay a workbook Excel, openpyxl and
//! LibreOffice open (checked by the fixtures' own `verifier_verite.py`, with lxml).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{ctg, require_tool, root, stdout_json};

fn dir() -> PathBuf {
    root().join("tests/fixtures/tiers")
}

fn truths() -> Vec<(PathBuf, Value)> {
    let mut out: Vec<(PathBuf, Value)> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".attendu.json"))
        .map(|p| {
            let t: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (dir().join(t["fichier"].as_str().unwrap()), t)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 4,
        "fixtures manquantes dans {}",
        dir().display()
    );
    out
}

fn row_of(cell: &str) -> String {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .to_string()
}

#[test]
fn returns_written_by_other_tools_are_checked_as_their_truth_files_say() {
    let mut failures = Vec::new();
    for (file, truth) in truths() {
        let out = ctg()
            .args(["valider", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c == 0 || c == 1),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let report = stdout_json(&out);
        let diags = report["diagnostics"].as_array().unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let at = |d: &Value, k: &str| d["emplacement"][k].as_str().unwrap_or("").to_string();
        let expected = truth["anomalies"].as_array().unwrap();
        for a in expected {
            let (sheet, cell, value) = (
                a["feuille"].as_str().unwrap(),
                a["cellule"].as_str().unwrap(),
                a["valeur"].as_str().unwrap(),
            );
            let found = diags.iter().any(|d| {
                d["gravite"] == "erreur"
                    && at(d, "feuille") == sheet
                    && at(d, "cellule") == cell
                    && d["valeur"].as_str() == Some(value)
            });
            if !found {
                failures.push(format!(
                    "{name} : {sheet}!{cell} « {value} » ({}) non signalé",
                    a["probleme"].as_str().unwrap_or("")
                ));
            }
        }
        // Nothing invented: an error is at a mistake's cell, or about a mistake's whole row.
        let rows: BTreeSet<(String, String)> = expected
            .iter()
            .map(|a| {
                (
                    a["feuille"].as_str().unwrap().to_string(),
                    row_of(a["cellule"].as_str().unwrap()),
                )
            })
            .collect();
        let cells: BTreeSet<(String, String)> = expected
            .iter()
            .map(|a| {
                (
                    a["feuille"].as_str().unwrap().to_string(),
                    a["cellule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut seen = BTreeSet::new();
        for d in diags {
            let (sheet, cell) = (at(d, "feuille"), at(d, "cellule"));
            if !cell.is_empty()
                && !seen.insert((d["code"].to_string(), sheet.clone(), cell.clone()))
            {
                failures.push(format!(
                    "{name} : {} deux fois sur {sheet}!{cell}",
                    d["code"]
                ));
            }
            if truth["aucune_anomalie"] == true {
                failures.push(format!("{name} : rien n'était attendu, signalé : {d}"));
                continue;
            }
            if d["gravite"] != "erreur" || truth["aucune_autre_erreur"] != true {
                continue;
            }
            let row = d["emplacement"]["ligne"]
                .as_u64()
                .map(|r| r.to_string())
                .unwrap_or_else(|| row_of(&cell));
            let about_a_mistake = cells.contains(&(sheet.clone(), cell.clone()))
                || ((cell.is_empty() || cell.starts_with('A'))
                    && rows.contains(&(sheet.clone(), row)));
            if !about_a_mistake {
                failures.push(format!("{name} : erreur inventée {d}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs python3 with lxml and openpyxl, and LibreOffice (installed by .ci/run)"]
fn annotated_copies_of_returns_written_by_other_tools_open_in_openpyxl_and_libreoffice() {
    require_tool(
        "soffice",
        "installez LibreOffice (apt-get install libreoffice-calc)",
    );
    let python = require_tool("python3", "installez python3");
    let probe = std::process::Command::new(&python)
        .args(["-c", "import lxml, openpyxl"])
        .status()
        .unwrap();
    assert!(
        probe.success(),
        "lxml et openpyxl sont nécessaires : pip install lxml openpyxl"
    );
    // The fixtures' own checker: every part parses with lxml, every prefix is declared, nothing
    // slipped out of its namespace, openpyxl opens the copy with the partner's values, and
    // LibreOffice reads the same sheets, values and comments.
    let out = std::process::Command::new(python)
        .arg(dir().join("verifier_verite.py"))
        .arg(env!("CARGO_BIN_EXE_ctg"))
        .arg(dir())
        .arg("--libreoffice")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("échecs : 0"), "{text}");
}
