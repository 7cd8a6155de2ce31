//! Golden parts of one return form and of one annotated copy: what a partner's Excel or
//! Calc obeys but no other test sees — sheets and their visibility, data validations,
//! protection and unlocked cells, print setup. Compared after normalisation (one element a
//! line, in document order), never as raw bytes.

use crate::common::*;
use std::io::Read;

use ctg::returns::forms::{FormSettings, form};

fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.ends_with(".xml") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            out.push((name, s));
        }
    }
    out.sort();
    out
}

/// The elements named `tags` (with their content for container elements), one a line.
fn elements(xml: &str, tags: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == ':')
            .collect();
        if !tags.contains(&name.as_str()) {
            continue;
        }
        let end_self = rest.find("/>");
        let end_open = rest.find('>').unwrap();
        let elem = if end_self.is_some_and(|e| e < end_open) {
            format!("<{}", &rest[..end_self.unwrap() + 2])
        } else {
            let close = format!("</{name}>");
            let j = rest.find(&close).map_or(end_open + 1, |j| j + close.len());
            format!("<{}", &rest[..j])
        };
        out.push(elem.replace("><", ">\n  <"));
    }
    out
}

fn golden(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (name, xml) in parts(bytes) {
        let tags: &[&str] = if name == "xl/workbook.xml" {
            &["sheet", "definedName"]
        } else if name.starts_with("xl/worksheets/sheet") {
            &[
                "sheetPr",
                "sheetProtection",
                "dataValidation",
                "pageSetup",
                "printOptions",
                "pageMargins",
                "pane",
            ]
        } else if name == "xl/styles.xml" {
            &["protection"]
        } else {
            &[]
        };
        let found = elements(&xml, tags);
        if !found.is_empty() {
            out.push_str(&format!("== {name}\n{}\n", found.join("\n")));
        }
    }
    out
}

fn settings() -> FormSettings {
    FormSettings {
        date: "2026-05-01".parse().unwrap(),
        trimestre: "2026-T2".into(),
        deadline: "30/06/2026".into(),
        contact: "cooperation@caf.example".into(),
    }
}

#[test]
fn return_form_parts() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let bytes = form(&c, "29058", &settings()).unwrap().bytes;
    insta::assert_snapshot!("formulaire-29058", golden(&bytes));
}

#[test]
fn annotated_copy_parts() {
    let dir = tempfile::tempdir().unwrap();
    let made = ctg()
        .current_dir(dir.path())
        .args([
            "exemple",
            "retours",
            "-n",
            "4",
            "--graine",
            "7",
            "--taux-erreurs",
            "1",
            "-o",
            "r",
        ])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0));
    let out = ctg()
        .current_dir(dir.path())
        .args(["valider", "r", "--annoter", "a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut copies: Vec<_> = std::fs::read_dir(dir.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    copies.sort();
    assert!(!copies.is_empty());
    insta::assert_snapshot!("copie-annotee", golden(&std::fs::read(&copies[0]).unwrap()));
}

/// Cell → whether it is locked in a protected sheet, from the package itself.
fn locked(bytes: &[u8], sheet_part: &str, cell: &str) -> bool {
    let p: std::collections::BTreeMap<String, String> = parts(bytes).into_iter().collect();
    let styles = &p["xl/styles.xml"];
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let sheet = &p[sheet_part];
    let c = sheet
        .split("<c ")
        .find(|c| c.starts_with(&format!("r=\"{cell}\"")))
        .unwrap_or_else(|| panic!("{cell} absent"));
    let s: usize = c
        .split("s=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    !xfs[s]
        .split("</xf>")
        .next()
        .unwrap()
        .contains("locked=\"0\"")
}

#[test]
fn identity_cells_are_locked_and_input_cells_are_not() {
    let c = ctg::io::read_model(&sample()).unwrap();
    let bytes = form(&c, "29058", &settings()).unwrap().bytes;
    // Identité: B2 code INSEE, B3 nom («Ne pas modifier»); B4 population, to fill.
    assert!(locked(&bytes, "xl/worksheets/sheet2.xml", "B2"));
    assert!(locked(&bytes, "xl/worksheets/sheet2.xml", "B3"));
    assert!(!locked(&bytes, "xl/worksheets/sheet2.xml", "B4"));
}
