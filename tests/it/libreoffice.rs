//! The real partner client: workbooks and forms re-saved by LibreOffice Calc (as .xlsx and
//! as .ods) read back identically and validate the same. Ignored by a plain
//! `cargo test` (they need `soffice`); `.ci/run` installs it and runs them.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn soffice() -> PathBuf {
    require_tool("soffice", "apt-get install libreoffice-calc")
}

/// Re-saves `input` as `ext` (xlsx or ods) into `outdir` with a private LibreOffice profile.
fn resave(soffice: &Path, input: &Path, ext: &str, outdir: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let filter = match ext {
        "xlsx" => "xlsx:Calc MS Excel 2007 XML",
        "xls" => "xls:MS Excel 97",
        _ => "ods",
    };
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(outdir)
        .arg(input)
        .output()
        .unwrap();
    let out = outdir.join(format!(
        "{}.{ext}",
        input.file_stem().unwrap().to_string_lossy()
    ));
    assert!(
        out.exists(),
        "LibreOffice did not write {}: {}",
        out.display(),
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

#[test]
#[ignore = "needs LibreOffice (apt-get install libreoffice-calc)"]
fn full_workbook_resaved_by_libreoffice_reads_back_identically() {
    let lo = soffice();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("ctg.xlsx");
    ctg()
        .arg("exporter")
        .arg(sample())
        .arg("-o")
        .arg(&xlsx)
        .assert()
        .success();
    let original = ctg::io::read_model(&sample()).unwrap();
    for ext in ["ods", "xlsx"] {
        let outdir = dir.path().join(format!("lo-{ext}"));
        let resaved = resave(&lo, &xlsx, ext, &outdir);
        let bytes = std::fs::read(&resaved).unwrap();
        let out = ctg::workbook::read::read(&bytes, "resaved", None).unwrap();
        let problems: Vec<_> = out
            .diagnostics
            .iter()
            .filter(|d| d.severity != ctg::Severity::Info)
            .collect();
        assert!(problems.is_empty(), "{ext}: {problems:#?}");
        assert_eq!(
            ctg::io::model_json(&out.model),
            ctg::io::model_json(&original),
            "{ext}: model differs after LibreOffice"
        );
        // And through the CLI.
        let json = dir.path().join(format!("reimport-{ext}.json"));
        ctg()
            .arg("importer")
            .arg(&resaved)
            .arg("-o")
            .arg(&json)
            .assert()
            .success();
        assert_eq!(ctg::io::read_model(&json).unwrap(), original);
    }
}

fn findings(file: &Path) -> Vec<(String, String, String)> {
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let mut list: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let loc = d["lieu"].as_str().unwrap();
            let cell = loc.rsplit(" › ").next().unwrap_or("").to_string();
            (
                d["code"].as_str().unwrap().to_string(),
                cell,
                d["valeur"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

#[test]
#[ignore = "needs LibreOffice (apt-get install libreoffice-calc)"]
fn returns_resaved_by_libreoffice_validate_the_same() {
    let lo = soffice();
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    ctg()
        .args([
            "formulaires",
            "--date",
            "2026-05-04",
            "--trimestre",
            "2026-T2",
            "-o",
        ])
        .arg(&forms)
        .arg(sample())
        .assert()
        .success();
    let returns = dir.path().join("retours");
    ctg()
        .args([
            "exemple",
            "retours",
            "-n",
            "4",
            "--graine",
            "5",
            "--taux-erreurs",
            "1",
            "-o",
        ])
        .arg(&returns)
        .assert()
        .success();
    let mut inputs: Vec<PathBuf> = vec![
        forms.join("29058-fouesnant.xlsx"),
        forms.join("242900660-cc-du-pays-fouesnantais.xlsx"),
    ];
    inputs.extend(
        std::fs::read_dir(&returns)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx")),
    );
    for input in &inputs {
        let before = findings(input);
        for ext in ["ods", "xlsx", "xls"] {
            let outdir = dir.path().join(format!("lo-{ext}"));
            let resaved = resave(&lo, input, ext, &outdir);
            assert_eq!(
                findings(&resaved),
                before,
                "{} re-saved as {ext}",
                input.display()
            );
        }
    }
}

#[test]
#[ignore = "needs LibreOffice (apt-get install libreoffice-calc)"]
fn an_annotated_copy_opens_in_calc_and_once_saved_by_the_partner_is_a_return_again() {
    let soffice = soffice();
    let dir = tempfile::tempdir().unwrap();
    for name in ["29006-benodet.xlsx", "29060-gouesnach.ods"] {
        let input = root().join("tests/fixtures/calc").join(name);
        let annot = dir.path().join(format!("annot-{name}"));
        ctg()
            .args(["valider", "--annoter"])
            .arg(&annot)
            .arg(&input)
            .assert()
            .code(1);
        let copy = std::fs::read_dir(&annot)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let ext = copy.extension().unwrap().to_string_lossy().to_string();
        // The partner opens the copy in Calc and saves it (same format).
        let saved_dir = dir.path().join(format!("saved-{name}"));
        std::fs::create_dir(&saved_dir).unwrap();
        let saved = resave(&soffice, &copy, &ext, &saved_dir);
        let book = ctg::workbook::grid::open(&std::fs::read(&saved).unwrap(), None).unwrap();
        let list = book
            .sheets
            .iter()
            .find(|g| g.name == "Anomalies")
            .expect("« Anomalies » kept by Calc");
        assert!(list.cells.len() > 1, "{name}");
        // Saved by the partner, it is their return again: read, with the same findings.
        let a = findings(&input);
        let b = findings(&saved);
        assert!(!b.is_empty(), "{name} : le retour corrigé est lu");
        let codes =
            |v: &[(String, String, String)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&a), codes(&b), "{name}");
    }
}
