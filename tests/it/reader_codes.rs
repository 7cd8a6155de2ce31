//! Reader codes through the real binary, on forms changed as a partner or a crafted file
//! would change them: a sheet renamed away, a required header rewritten, a workbook that is
//! not a ctg form, a form of another layout, a model of a future version.

use crate::common::*;
use std::io::{Read, Write};

use ctg::returns::forms::{FormSettings, form};

fn a_form() -> Vec<u8> {
    let c = ctg::io::read_model(&sample()).unwrap();
    let s = FormSettings {
        date: "2026-05-01".parse().unwrap(),
        trimestre: "2026-T2".into(),
        deadline: String::new(),
        contact: String::new(),
    };
    form(&c, "29058", &s).unwrap().bytes
}

/// Rewrites one part of a package, the others copied as they are.
pub(crate) fn edit_part(bytes: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut seen = false;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            let new = edit(String::from_utf8(data).unwrap());
            seen = true;
            data = new.into_bytes();
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(seen, "{part} absent");
    out.finish().unwrap().into_inner()
}

fn valider(bytes: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("retour.xlsx");
    std::fs::write(&f, bytes).unwrap();
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    stdout_json(&out)
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_sheet_renamed_away_is_missing_e103() {
    // Renamed and with a required header gone: nothing says it is that sheet any more.
    let b = edit_part(&a_form(), "xl/workbook.xml", |s| {
        s.replace("name=\"Équipements\"", "name=\"Mes structures\"")
    });
    let b = edit_part(&b, "xl/sharedStrings.xml", |s| {
        s.replace(">Type de structure *<", ">Genre<")
    });
    let v = valider(&b);
    assert!(codes(&v).contains(&"CTG-E103".into()), "{v}");
}

#[test]
fn a_required_header_rewritten_is_e104() {
    let b = edit_part(&a_form(), "xl/sharedStrings.xml", |s| {
        s.replace(">Nom de la structure *<", ">Zorglub<")
    });
    let v = valider(&b);
    assert!(codes(&v).contains(&"CTG-E104".into()), "{v}");
}

#[test]
fn a_workbook_that_is_not_a_form_is_e117() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Budget")
        .unwrap()
        .write_string(0, 0, "Dépenses")
        .unwrap();
    let v = valider(&wb.save_to_buffer().unwrap());
    assert_eq!(codes(&v), ["CTG-E117"], "{v}");
    assert_eq!(v["fichiers"][0]["statut"]["code"], "rejete");
}

#[test]
fn a_form_of_another_layout_is_w118() {
    let layout_fp = ctg::workbook::layouts::RETOUR_COMMUNE.fingerprint();
    let b = edit_part(&a_form(), "xl/sharedStrings.xml", |s| {
        s.replace(&layout_fp, "0000000000000000")
    });
    let v = valider(&b);
    assert!(codes(&v).contains(&"CTG-W118".into()), "{v}");
}

#[test]
fn a_model_of_a_future_version_is_e090_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample()).unwrap()).unwrap();
    m["version"] = 99.into();
    let f = dir.path().join("futur.json");
    std::fs::write(&f, m.to_string()).unwrap();
    let out = ctg()
        .args(["verifier", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v = stdout_json(&out);
    assert_eq!(codes(&v), ["CTG-E090"]);
    assert_eq!(v["diagnostics"][0]["valeur"], "99");
    let out = ctg().arg("verifier").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("version du modèle 99 non prise en charge") && err.contains("CTG-E090"),
        "{err}"
    );
}

#[test]
fn without_its_meta_sheet_a_return_is_identified_by_its_identite_sheet_in_both_commands() {
    let b = edit_part(&a_form(), "xl/workbook.xml", |s| {
        s.replace("name=\"_meta\"", "name=\"ancienne\"")
    });
    let v = valider(&b);
    let f = &v["fichiers"][0];
    assert_eq!(f["collectivite"], "29058", "{v}");
    assert_ne!(f["statut"]["code"], "rejete", "{v}");
    let w118: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-W118")
        .collect();
    assert!(
        w118.iter()
            .any(|d| d["message"].as_str().unwrap().contains("Identité")),
        "{v}"
    );
    // consolider agrees: the rows are kept, the commune is known.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.xlsx");
    std::fs::write(&f, &b).unwrap();
    let out = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(sample())
        .arg("-o")
        .arg(dir.path().join("c.xlsx"))
        .arg(&f)
        .output()
        .unwrap();
    let c = stdout_json(&out);
    assert_eq!(c["fichiers"][0]["collectivite"], "29058", "{c}");
    assert!(
        c["fichiers"][0]["lignes"]["retenues"].as_u64().unwrap() > 0,
        "{c}"
    );
    assert!(!codes(&c).contains(&"CTG-E204".to_string()), "{c}");
}

#[test]
fn valider_ctg_applies_the_membership_check_of_consolider() {
    let mut other = ctg::io::read_model(&sample()).unwrap();
    other.territoire.communes.retain(|c| c.insee != "29058");
    other
        .fiches
        .iter_mut()
        .for_each(|f| f.collectivites.retain(|c| c != "29058"));
    let dir = tempfile::tempdir().unwrap();
    let ctg_path = dir.path().join("autre.json");
    std::fs::write(&ctg_path, ctg::io::model_json(&other)).unwrap();
    let f = dir.path().join("r.xlsx");
    std::fs::write(&f, a_form()).unwrap();
    let out = ctg()
        .args(["valider", "--format", "json", "--ctg"])
        .arg(&ctg_path)
        .arg(&f)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    let e204: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-E204")
        .collect();
    assert_eq!(e204.len(), 1, "{v}");
    let out = ctg()
        .args(["consolider", "--format", "json", "--ctg"])
        .arg(&ctg_path)
        .arg("-o")
        .arg(dir.path().join("c.xlsx"))
        .arg(&f)
        .output()
        .unwrap();
    let c = stdout_json(&out);
    let e204 = c["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-E204")
        .count();
    assert_eq!(e204, 1, "{c}");
    assert_eq!(c["fichiers"][0]["statut"]["code"], "rejete");
}

#[test]
fn renamed_sheets_are_found_by_their_content_and_unknown_sheets_are_counted_as_not_read() {
    let b = edit_part(&a_form(), "xl/workbook.xml", |s| {
        s.replace("name=\"Suivi\"", "name=\"Suivi T2\"")
            .replace("name=\"Projections\"", "name=\"Projections 2026\"")
    });
    let v = valider(&b);
    let c = codes(&v);
    assert!(!c.contains(&"CTG-E103".to_string()), "{v}");
    assert_eq!(c.iter().filter(|c| *c == "CTG-I135").count(), 2, "{v}");
    let original = valider(&a_form());
    assert_eq!(
        v["fichiers"][0]["lignes"], original["fichiers"][0]["lignes"],
        "{v}"
    );
    // A renamed sheet whose headers no longer match is not guessed: its rows are not read,
    // and said so.
    let b = edit_part(&b, "xl/workbook.xml", |s| {
        s.replace("name=\"Équipements\"", "name=\"Mes structures\"")
    });
    let b = edit_part(&b, "xl/sharedStrings.xml", |s| {
        s.replace(">Nom de la structure *<", ">Zorglub<")
    });
    let v = valider(&b);
    let c = codes(&v);
    assert!(
        c.contains(&"CTG-E103".to_string()) && c.contains(&"CTG-W136".to_string()),
        "{v}"
    );
    let l = &v["fichiers"][0]["lignes"];
    assert!(l["non_lues"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(
        l["lues"].as_u64().unwrap(),
        l["retenues"].as_u64().unwrap()
            + l["rejetees"].as_u64().unwrap()
            + l["non_lues"].as_u64().unwrap()
    );
}

#[test]
fn fifty_percent_typed_in_calc_or_excel_reads_as_50() {
    // «50 %» typed in the progress cell: stored as 0.5 with a percent number format.
    let b = edit_part(&a_form(), "xl/styles.xml", |s| {
        let start = s.find("<cellXfs count=\"").unwrap() + "<cellXfs count=\"".len();
        let end = start + s[start..].find('"').unwrap();
        let n: usize = s[start..end].parse().unwrap();
        let s = format!("{}{}{}", &s[..start], n + 1, &s[end..]);
        s.replace("</cellXfs>", &format!("<xf numFmtId=\"9\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs><!--{n}-->"))
    });
    let styles = String::from_utf8({
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&b)).unwrap();
        let mut v = Vec::new();
        z.by_name("xl/styles.xml")
            .unwrap()
            .read_to_end(&mut v)
            .unwrap();
        v
    })
    .unwrap();
    let index: usize = styles
        .split("<!--")
        .nth(1)
        .unwrap()
        .split("-->")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let b = edit_part(&b, "xl/worksheets/sheet6.xml", |s| {
        let start = s.find("<c r=\"E2\"").unwrap();
        let end = start + s[start..].find("</c>").unwrap() + 4;
        format!(
            "{}<c r=\"E2\" s=\"{index}\"><v>0.5</v></c>{}",
            &s[..start],
            &s[end..]
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("r.xlsx");
    std::fs::write(&f, &b).unwrap();
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    let v = stdout_json(&out);
    assert!(!codes(&v).iter().any(|c| c.starts_with("CTG-E")), "{v}");
    // The consolidated model holds 50, not 0,5.
    let model = dir.path().join("m.json");
    let _ = ctg()
        .args(["consolider", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg("--modele")
        .arg(&model)
        .arg(&f)
        .output()
        .unwrap();
    let m = ctg::io::read_model(&model).unwrap();
    let first = m.suivi.iter().find(|s| s.avancement.is_some()).unwrap();
    assert_eq!(first.avancement, Some(50.0), "{:?}", m.suivi);
}

#[test]
fn a_shared_string_index_written_with_a_character_reference_or_cdata_is_refused_not_read_as_string_0()
 {
    // calamine reads a shared-string cell's value «-1» (or anything but digits) as string 0:
    // the audit used to check only the text around a character reference («1» of «&#45;1»)
    // and to skip CDATA, so such a cell silently took the first shared string.
    for value in ["&#45;1", "<![CDATA[-1]]>", "&#48;"] {
        let b = edit_part(&a_form(), "xl/worksheets/sheet3.xml", |s| {
            let at = s.find(" t=\"s\"><v>").expect("a shared-string cell");
            let start = at + " t=\"s\"><v>".len();
            let end = start + s[start..].find("</v>").unwrap();
            format!("{}{value}{}", &s[..start], &s[end..])
        });
        let v = valider(&b);
        assert!(codes(&v).contains(&"CTG-E133".into()), "{value}: {v}");
    }
}
