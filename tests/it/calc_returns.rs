//! Returns filled in a real French LibreOffice Calc by someone who had not read the reader
//! (`tests/fixtures/calc/`, made by `make_calc_returns.py` through UNO, with `truth.json`):
//! renamed sheets, «50 %», dates in comments, inserted and appended rows, notes under tables,
//! a deleted `_meta`, duplicates, .ods and .xlsx. Every correct value must reach the
//! consolidated model, every mistake be reported at its cell, nothing be invented; and the
//! annotated copy must be the partner's own file plus the annotations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{ctg, root, sample, stdout_json};

fn dir() -> PathBuf {
    root().join("tests/fixtures/calc")
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join("truth.json")).unwrap()).unwrap()
}

fn files(t: &Value) -> Vec<&Value> {
    t["fichiers"].as_array().unwrap().iter().collect()
}

/// Subset match: every key given matches; every element of a list given matches some
/// element of the other; numbers compare as numbers.
fn matches(exp: &Value, act: &Value) -> bool {
    match (exp, act) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x))),
        (Value::Array(e), Value::Array(a)) => e.iter().all(|x| a.iter().any(|y| matches(x, y))),
        (Value::Number(e), Value::Number(a)) => {
            (e.as_f64().unwrap() - a.as_f64().unwrap()).abs() < 1e-9
        }
        _ => exp == act,
    }
}

fn consolidated() -> (Value, Value) {
    let out = tempfile::tempdir().unwrap();
    let t = truth();
    let paths: Vec<PathBuf> = files(&t)
        .iter()
        .map(|f| dir().join(f["fichier"].as_str().unwrap()))
        .collect();
    let run = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(sample())
        .arg("-o")
        .arg(out.path().join("c.xlsx"))
        .arg("--modele")
        .arg(out.path().join("c.json"))
        .args(&paths)
        .output()
        .unwrap();
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let model: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("c.json")).unwrap()).unwrap();
    (stdout_json(&run), model)
}

fn array<'a>(model: &'a Value, name: &str) -> Vec<&'a Value> {
    model[name]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[test]
fn every_typed_value_reaches_the_consolidated_model_and_nothing_is_invented() {
    let t = truth();
    let (report, model) = consolidated();
    let mut problems = Vec::new();
    for f in files(&t) {
        let name = f["fichier"].as_str().unwrap();
        for (arr, list) in f["attendu"].as_object().into_iter().flatten() {
            for e in list.as_array().unwrap() {
                if !array(&model, arr).iter().any(|a| matches(e, a)) {
                    problems.push(format!("{name} : absent du modèle ({arr}) : {e}"));
                }
            }
        }
        for (arr, list) in f["absent"].as_object().into_iter().flatten() {
            for e in list.as_array().unwrap() {
                if array(&model, arr).iter().any(|a| matches(e, a)) {
                    problems.push(format!("{name} : inventé ou gardé à tort ({arr}) : {e}"));
                }
            }
        }
    }
    // The earlier of two returns of one commune is replaced, not counted as errors.
    for f in files(&t)
        .into_iter()
        .filter(|f| f["remplace_par"].is_string())
    {
        let name = f["fichier"].as_str().unwrap();
        let entry = report["fichiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["fichier"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_eq!(entry["statut"]["code"], "remplace", "{entry}");
        let errors = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["emplacement"]["fichier"]
                    .as_str()
                    .is_some_and(|x| x.ends_with(name))
            })
            .filter(|d| d["gravite"] == "erreur")
            .count();
        assert_eq!(errors, 0, "un retour remplacé ne compte pas d'erreurs");
        // Its rows are listed for comparison, as information.
        let listed = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                d["emplacement"]["fichier"]
                    .as_str()
                    .is_some_and(|x| x.ends_with(name))
            })
            .filter(|d| d["code"] == "CTG-I137")
            .count() as u64;
        assert_eq!(listed, entry["lignes"]["lues"].as_u64().unwrap(), "{entry}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `(sheet, cell)` of every error `valider` reports on a file.
fn errors_of(path: &Path) -> (Value, BTreeSet<(String, String)>) {
    let run = ctg()
        .args(["valider", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(matches!(run.status.code(), Some(0 | 1)));
    let report = stdout_json(&run);
    let errors = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["gravite"] == "erreur")
        .map(|d| {
            let e = &d["emplacement"];
            (
                e["feuille"].as_str().unwrap_or("").to_string(),
                e["cellule"]
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| e["ligne"].as_u64().map(|l| l.to_string()))
                    .unwrap_or_default(),
            )
        })
        .collect();
    (report, errors)
}

#[test]
fn every_mistake_is_reported_at_its_cell_and_no_correct_cell_is_blamed() {
    let t = truth();
    let mut problems = Vec::new();
    for f in files(&t) {
        let name = f["fichier"].as_str().unwrap();
        let (report, errors) = errors_of(&dir().join(name));
        assert_eq!(
            report["fichiers"][0]["collectivite"], f["commune"],
            "{name} : collectivité reconnue"
        );
        let expected: BTreeSet<(String, String)> = f["erreurs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["feuille"].as_str().unwrap().to_string(),
                    e["cellule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for e in &expected {
            if !errors.contains(e) {
                problems.push(format!("{name} : erreur non signalée en {}!{}", e.0, e.1));
            }
        }
        // An error elsewhere is allowed only as the row-level account of an expected one.
        let rows: BTreeSet<(String, String)> = expected
            .iter()
            .map(|(s, c)| {
                (
                    s.clone(),
                    c.trim_start_matches(char::is_alphabetic).to_string(),
                )
            })
            .collect();
        for e in &errors {
            if !expected.contains(e) && !rows.contains(e) {
                problems.push(format!("{name} : erreur à tort en {}!{}", e.0, e.1));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn parts(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    crate::common::zip_parts(bytes)
}

/// Parts an annotation may touch: the sheets with notes (ODF: `content.xml`), the styles,
/// the workbook's sheet list and relationships, the content types and the properties.
fn may_change(name: &str) -> bool {
    name.starts_with("xl/worksheets/sheet")
        || name.starts_with("xl/worksheets/_rels/")
        || [
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
            "docProps/custom.xml",
            "_rels/.rels",
            "content.xml",
            "meta.xml",
        ]
        .contains(&name)
}

#[test]
fn the_annotated_copy_is_the_partners_file_plus_the_annotations() {
    let t = truth();
    let out = tempfile::tempdir().unwrap();
    for f in files(&t) {
        let name = f["fichier"].as_str().unwrap();
        let input = dir().join(name);
        let original = std::fs::read(&input).unwrap();
        let annot = out.path().join(name);
        let run = ctg()
            .args(["valider", "--tous", "--annoter"])
            .arg(&annot)
            .arg(&input)
            .output()
            .unwrap();
        assert!(matches!(run.status.code(), Some(0 | 1)), "{name}");
        let written: Vec<PathBuf> = std::fs::read_dir(&annot)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(written.len(), 1, "{name} : une copie");
        let copy_path = &written[0];
        // Same format as received.
        let ext = Path::new(name).extension().unwrap();
        assert_eq!(copy_path.extension().unwrap(), ext, "{name} : même format");
        let copy = std::fs::read(copy_path).unwrap();
        // Every part the annotation does not need is byte for byte the partner's.
        let (before, after) = (parts(&original), parts(&copy));
        for (part, bytes) in &before {
            let now = after
                .get(part)
                .unwrap_or_else(|| panic!("{name} : partie {part} perdue"));
            if !may_change(part) {
                assert!(now == bytes, "{name} : partie {part} modifiée");
            }
        }
        // Sheets without notes are untouched too (OOXML: one part per sheet).
        let report = stdout_json(
            &ctg()
                .args(["valider", "--format", "json"])
                .arg(&input)
                .output()
                .unwrap(),
        );
        let noted: BTreeSet<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["emplacement"]["feuille"].as_str())
            .collect();
        let changed_sheets = before
            .iter()
            .filter(|(p, b)| p.starts_with("xl/worksheets/sheet") && after.get(*p) != Some(b))
            .count();
        assert!(
            changed_sheets <= noted.len(),
            "{name} : {changed_sheets} feuilles modifiées pour {} annotées",
            noted.len()
        );
        // Read again, the copy gives the same data and the same diagnostics as the file.
        let label = "retour.xlsx";
        let a = ctg::workbook::read::read(&original, label, None).unwrap();
        let b = ctg::workbook::read::read(&copy, label, None).unwrap();
        assert_eq!(
            serde_json::to_value(&a.model).unwrap(),
            serde_json::to_value(&b.model).unwrap(),
            "{name} : mêmes données"
        );
        assert_eq!(a.diagnostics, b.diagnostics, "{name} : mêmes diagnostics");
        // The list of anomalies is there, one line per diagnostic.
        let sheets = ctg::workbook::grid::open(&copy, None).unwrap();
        let list = sheets
            .sheets
            .iter()
            .find(|g| g.name == "Anomalies")
            .unwrap_or_else(|| panic!("{name} : pas de feuille « Anomalies »"));
        let n = report["diagnostics"].as_array().unwrap().len();
        assert_eq!(list.cells.len(), n + 1, "{name} : une ligne par anomalie");
        // Untouched, the copy is not a return (it would double the partner's rows).
        let again = ctg()
            .args(["valider", "--format", "json"])
            .arg(copy_path)
            .output()
            .unwrap();
        assert_eq!(
            stdout_json(&again)["fichiers"][0]["statut"]["code"],
            "ignore",
            "{name}"
        );
    }
}

/// Number of violations the OOXML/ODF validator reports for a file.
fn violations(audit: &Path, file: &Path) -> usize {
    let run = std::process::Command::new(audit)
        .arg(file)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    out.lines()
        .find_map(|l| l.trim().strip_prefix("Errors: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{}: {out}", file.display()))
}

#[test]
#[ignore = "needs the OOXML/ODF schema validator (pip install openxml-audit)"]
fn an_annotated_copy_is_no_less_valid_than_the_file_received() {
    let audit = crate::common::require_tool("openxml-audit", "pip install openxml-audit");
    let t = truth();
    let out = tempfile::tempdir().unwrap();
    for f in files(&t) {
        let name = f["fichier"].as_str().unwrap();
        let input = dir().join(name);
        let annot = out.path().join(name);
        ctg()
            .args(["valider", "--tous", "--annoter"])
            .arg(&annot)
            .arg(&input)
            .output()
            .unwrap();
        let copy = std::fs::read_dir(&annot)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let (before, after) = (violations(&audit, &input), violations(&audit, &copy));
        assert!(
            after <= before,
            "{name} : {before} violations reçues, {after} dans la copie"
        );
    }
}

/// The audit notes the numeric styled cells of each worksheet while checking it, and the
/// reader finds percentages among them instead of parsing the sheets again: on returns made
/// by Calc and by openpyxl, the cells found must be those a second parse of the sheets finds,
/// and the documents the audit keeps (saving date) the same as read from the original file.
#[test]
fn percentages_and_saving_dates_from_the_audited_package_equal_a_second_reading() {
    let mut found = 0;
    let tiers = root().join("tests/fixtures/tiers");
    let mut paths: Vec<PathBuf> = [dir(), tiers]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 7, "{paths:?}");
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let (_, package) = ctg::container::sniff_package(&bytes);
        let package = package.unwrap();
        let all = |_: &str| true;
        let twice = ctg::workbook::percent::xlsx_percent_cells(&bytes, &all);
        let once = ctg::workbook::percent::xlsx_percent_cells_in(&package, &all);
        assert_eq!(once, twice, "{}", p.display());
        found += once.values().map(BTreeSet::len).sum::<usize>();
        assert_eq!(
            package.saved_date(),
            ctg::container::saved_date(&bytes),
            "{}",
            p.display()
        );
    }
    assert!(found >= 5, "percentages found in the fixtures: {found}");
}
