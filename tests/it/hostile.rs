//! Hostile and broken files (`tests/fixtures/hostile/`, crafted independently of the readers
//! by `make_hostile.py`, each with its expected outcome in `expected.tsv`) through the real
//! binary: no file takes the batch down, every file the manifest says to refuse is rejected
//! with a French diagnostic, good returns beside them are kept, and no panic text reaches the
//! terminal. Readers run isolated, under a memory and a time limit.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Case {
    expected: String,
    attack: String,
}

fn manifest() -> BTreeMap<String, Case> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/hostile/expected.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 4).then(|| {
                (
                    c[0].to_string(),
                    Case {
                        attack: c[2].to_string(),
                        expected: c[3].to_string(),
                    },
                )
            })
        })
        .collect()
}

fn is_spreadsheet(name: &str) -> bool {
    [".xlsx", ".xls", ".ods", ".xlsb"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Good returns, the hostile spreadsheets, and the cases made at run time (a pipe, a link to
/// `/dev/zero`, a 3 Gio sparse file).
fn batch(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let made = ctg()
        .current_dir(dir)
        .args([
            "exemple", "retours", "-n", "3", "--graine", "11", "-o", "bons",
        ])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0));
    let mut good: Vec<PathBuf> = std::fs::read_dir(dir.join("bons"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    good.sort();
    let mut hostile = Vec::new();
    for (name, _) in manifest() {
        let src = root().join("tests/fixtures/hostile/files").join(&name);
        if is_spreadsheet(&name) && src.is_file() {
            hostile.push(src);
        }
    }
    let rt = dir.join("runtime");
    std::fs::create_dir_all(&rt).unwrap();
    let fifo = rt.join("tube.xlsx");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", rt.join("zero.xlsx")).unwrap();
    let sparse = std::fs::File::create(rt.join("creux.xlsx")).unwrap();
    sparse.set_len(3 << 30).unwrap();
    for n in ["tube.xlsx", "zero.xlsx", "creux.xlsx"] {
        hostile.push(rt.join(n));
    }
    (good, hostile)
}

#[test]
fn valider_rejects_every_hostile_file_and_keeps_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (good, hostile) = batch(dir.path());
    let out = ctg()
        .env("CTG_DELAI_S", "10")
        .args(["valider", "--format", "json"])
        .args(&good)
        .args(&hostile)
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked")
            && !stderr.contains("RUST_BACKTRACE")
            && !stderr.contains("memory allocation"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v = stdout_json(&out);
    let files = v["fichiers"].as_array().unwrap();
    assert_eq!(files.len(), good.len() + hostile.len());
    let manifest = manifest();
    let mut wrong = Vec::new();
    for f in files {
        let path = f["fichier"].as_str().unwrap();
        let name = Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let statut = f["statut"]["code"].as_str().unwrap();
        let is_good = good.iter().any(|g| g.to_string_lossy() == path);
        // BIFF has no checksum: a flipped byte that leaves well-formed records cannot be told
        // from a partner's edit. Where it changes the data, the change is reported at its cell
        // (mutants 06, 07); where it does not (05: the BOF type, which readers ignore), the
        // file is simply read.
        let undetectable = [
            "xls_mutant_05.xls",
            "xls_mutant_06.xls",
            "xls_mutant_07.xls",
        ];
        let must_refuse = path.contains("/runtime/")
            || (manifest.get(&name).is_some_and(|c| c.expected == "refuse")
                && !undetectable.contains(&name.as_str()));
        if is_good && statut == "rejete" {
            wrong.push(format!("{name} : bon retour rejeté"));
        }
        if must_refuse && statut != "rejete" {
            let attack = manifest.get(&name).map_or("", |c| c.attack.as_str());
            wrong.push(format!(
                "{name} : accepté ({statut}) alors qu'il faut le refuser — {attack}"
            ));
        }
    }
    // Every diagnostic is French: no English word from a library.
    const ENGLISH: &[&str] = &[
        "error",
        "invalid",
        "failed",
        "unexpected",
        "expected",
        "found",
        "the",
        "not",
        "file",
        "of",
    ];
    for d in v["diagnostics"].as_array().unwrap() {
        let m = d["message"].as_str().unwrap();
        let words: Vec<String> = m
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase)
            .collect();
        if words.iter().any(|w| ENGLISH.contains(&w.as_str())) {
            wrong.push(format!("message non traduit : {m}"));
        }
    }
    // Each cause is reported as itself.
    let diags = v["diagnostics"].as_array().unwrap();
    for (file, code) in [
        ("xlsx_zip_duplicate_sheet.xlsx", "CTG-E128"),
        ("xlsx_zip_lying_size_both.xlsx", "CTG-E128"),
        ("xlsx_rel_target_traversal.xlsx", "CTG-E128"),
        ("xlsx_zip_bad_crc_sheet.xlsx", "CTG-E129"),
        ("xlsx_zip_method_99.xlsx", "CTG-E130"),
        ("xlsx_entity_bomb_sheet.xlsx", "CTG-E131"),
        ("xlsx_xxe_etc_passwd.xlsx", "CTG-E131"),
        ("xlsx_cell_col_XFE.xlsx", "CTG-E132"),
        ("xlsx_cell_XFD1048576_value.xlsx", "CTG-E132"),
        ("ods_deep_nesting_100k.ods", "CTG-E132"),
        ("ods_repeat_1048575x16383_value.ods", "CTG-E132"),
        ("ods_repeat_999999999_text.ods", "CTG-E132"),
        ("ods_repeat_zero_negative.ods", "CTG-E132"),
        ("ods_repeat_split_by_nested_tables.ods", "CTG-E132"),
        ("xlsx_sst_index_minus1.xlsx", "CTG-E133"),
        ("xlsx_zip_bomb_1gb.xlsx", "CTG-E102"),
        ("xls_sheet_off_the_record_chain.xls", "CTG-E132"),
        ("xls_dimensions_first_row_after_last.xls", "CTG-E132"),
        ("xls_sheet_offset_beyond_stream.xls", "CTG-E100"),
        ("xlsb_cell_column_16777216.xlsb", "CTG-E132"),
        ("xlsx_moved_sheet_cell_XFD1048576.xlsx", "CTG-E132"),
        ("xlsx_moved_sheet_sst_index_minus1.xlsx", "CTG-E133"),
        ("xlsx_moved_sheet_sst_index_beyond.xlsx", "CTG-E133"),
        ("xlsx_moved_sheet_dimension_malformed.xlsx", "CTG-E132"),
        ("xlsb_row_2097153.xlsb", "CTG-E132"),
        ("xlsb_cells_at_both_ends_of_the_grid.xlsb", "CTG-E132"),
        ("tube.xlsx", "CTG-E102"),
        ("creux.xlsx", "CTG-E102"),
    ] {
        let found: Vec<&str> = diags
            .iter()
            .filter(|d| {
                d["emplacement"]["fichier"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{file}"))
            })
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        if !found.contains(&code) {
            wrong.push(format!("{file} : {code} attendu, trouvé {found:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} problèmes :\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn hostile_word_documents_are_refused_each_for_its_cause() {
    let manifest = manifest();
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for (name, case) in manifest.iter().filter(|(n, _)| n.ends_with(".docx")) {
        let f = root().join("tests/fixtures/hostile/files").join(name);
        let out = ctg()
            .env("CTG_DELAI_S", "10")
            .args(["importer", "--format", "json", "--force", "-o"])
            .arg(dir.path().join("m.json"))
            .arg(&f)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let code = out.status.code();
        match case.expected.as_str() {
            "refuse" if code != Some(2) => {
                wrong.push(format!("{name} : code {code:?} au lieu de 2"))
            }
            "read" if code == Some(2) => wrong.push(format!("{name} : refusé à tort")),
            _ => {}
        }
        if code == Some(2) {
            let v = stdout_json(&out);
            assert_eq!(v["fichiers"][0]["statut"]["code"], "rejete", "{name}");
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn consolider_keeps_every_good_return_beside_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    let (good, hostile) = batch(dir.path());
    let input = dir.path().join("entrees");
    std::fs::create_dir_all(&input).unwrap();
    for f in good
        .iter()
        .chain(&hostile)
        .filter(|p| p.is_file() && !p.to_string_lossy().contains("/runtime/"))
    {
        std::fs::copy(f, input.join(f.file_name().unwrap())).unwrap();
    }
    // Beyond what the pre-flight knows: one reader aborts, one never ends.
    std::fs::copy(&good[0], input.join("abandon.xlsx")).unwrap();
    std::fs::copy(&good[1], input.join("blocage.xlsx")).unwrap();
    let out = ctg()
        .env("CTG_DELAI_S", "3")
        .env("CTG_TEST_LECTEUR_ABANDON", "abandon.xlsx")
        .env("CTG_TEST_LECTEUR_BLOCAGE", "blocage.xlsx")
        .args(["consolider", "--format", "json", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg(&input)
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let v = stdout_json(&out);
    let files = v["fichiers"].as_array().unwrap();
    for g in &good {
        let name = g.file_name().unwrap().to_string_lossy().to_string();
        let f = files
            .iter()
            .find(|f| f["fichier"].as_str().unwrap().ends_with(&name))
            .unwrap_or_else(|| panic!("{name} absent du rapport"));
        assert_ne!(f["statut"]["code"], "rejete", "{name} : {f}");
        assert!(f["lignes"]["retenues"].as_u64().unwrap() > 0, "{f}");
    }
    // The files that blow up a reader are rejected as interrupted, not lost.
    let interrupted: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CTG-E127")
        .collect();
    let files_of = |end: &str| {
        interrupted
            .iter()
            .any(|d| d["emplacement"]["fichier"].as_str().unwrap().ends_with(end))
    };
    assert!(
        files_of("abandon.xlsx") && files_of("blocage.xlsx"),
        "{interrupted:?}"
    );
    assert_eq!(interrupted.len(), 2, "{interrupted:?}");
    assert!(
        interrupted.iter().all(|d| d["message"]
            .as_str()
            .unwrap()
            .starts_with("lecture interrompue")),
        "{interrupted:?}"
    );
}

/// The cells of a sheet whose text starts like a formula, and whether each has the quote
/// prefix (its style's `quotePrefix="1"`), read from the package itself.
fn formula_like_cells(xlsx: &Path, last_sheet_only: bool) -> Vec<(String, bool)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut part = |n: &str| {
        let mut s = String::new();
        z.by_name(n)
            .map(|mut f| f.read_to_string(&mut s).unwrap())
            .ok();
        s
    };
    let styles = part("xl/styles.xml");
    let xfs: Vec<bool> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap_or("")
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .map(|x| x.split('>').next().unwrap().contains("quotePrefix=\"1\""))
        .collect();
    let shared: Vec<String> = part("xl/sharedStrings.xml")
        .split("<si>")
        .skip(1)
        .map(|s| {
            s.split("<t")
                .nth(1)
                .unwrap_or("")
                .split_once('>')
                .map_or("", |x| x.1)
                .split("</t>")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut out = Vec::new();
    let count = (1..40)
        .take_while(|i| !part(&format!("xl/worksheets/sheet{i}.xml")).is_empty())
        .count();
    for i in 1..=count {
        if last_sheet_only && i != count {
            continue;
        }
        let sheet = part(&format!("xl/worksheets/sheet{i}.xml"));
        for c in sheet.split("<c ").skip(1) {
            let head = c.split('>').next().unwrap();
            let text = if head.contains("t=\"s\"") {
                let idx: usize = c
                    .split("<v>")
                    .nth(1)
                    .and_then(|v| v.split('<').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                shared.get(idx).cloned().unwrap_or_default()
            } else if head.contains("t=\"inlineStr\"") {
                c.split("<t")
                    .nth(1)
                    .and_then(|x| x.split_once('>'))
                    .map_or("", |x| x.1)
                    .split("</t>")
                    .next()
                    .unwrap()
                    .to_string()
            } else {
                continue;
            };
            if text.starts_with(['=', '+', '-', '@', '\t', '\r'])
                || text.starts_with("&#9;")
                || text.starts_with("_x000D_")
            {
                let style: usize = head
                    .split("s=\"")
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                out.push((text, xfs.get(style).copied().unwrap_or(false)));
            }
        }
    }
    out
}

#[test]
fn formula_like_partner_texts_stay_text_in_every_workbook_ctg_writes() {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/fixtures/hostile/files/xlsx_formula_like_text_inline.xlsx");
    // The consolidated workbook and the annotated copy.
    let out = ctg()
        .args(["consolider", "-o"])
        .arg(dir.path().join("c.xlsx"))
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ctg()
        .args(["valider", "--tous", "--annoter"])
        .arg(dir.path().join("a"))
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    let annotated = std::fs::read_dir(dir.path().join("a"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // The exported workbook of a model holding such texts.
    let mut m = ctg::io::read_model(&sample()).unwrap();
    m.fiches[0].titre = "=HYPERLINK(\"http://x\",\"clic\")".into();
    m.fiches[0].description = "\t=1+3".into();
    let json = dir.path().join("m.json");
    std::fs::write(&json, ctg::io::model_json(&m)).unwrap();
    let exported = dir.path().join("e.xlsx");
    assert!(
        ctg()
            .arg("exporter")
            .arg(&json)
            .arg("-o")
            .arg(&exported)
            .output()
            .unwrap()
            .status
            .success()
    );
    // The annotated copy is the partner's own file: their cells are left as received (a
    // test of `calc_returns` checks the parts byte for byte); what ctg writes into it, the
    // «Anomalies» sheet (its last sheet), keeps texts as text.
    for (what, file, at_least, last) in [
        ("consolidé", dir.path().join("c.xlsx"), 8, false),
        ("copie annotée", annotated, 0, true),
        ("export", exported.clone(), 2, false),
    ] {
        let cells = formula_like_cells(&file, last);
        assert!(cells.len() >= at_least, "{what} : {cells:?}");
        let unprotected: Vec<_> = cells.iter().filter(|(_, q)| !q).collect();
        assert!(
            unprotected.is_empty(),
            "{what} : sans préfixe « ' » : {unprotected:?}"
        );
    }
    // Byte for byte, leading tab included.
    let back =
        ctg::workbook::read::read(&std::fs::read(&exported).unwrap(), "e.xlsx", None).unwrap();
    assert_eq!(back.model.fiches[0].titre, m.fiches[0].titre);
    assert_eq!(back.model.fiches[0].description, "\t=1+3");
}

#[test]
fn a_row_of_formulas_without_values_is_a_rejected_row_with_its_formulas() {
    let f = root().join("tests/fixtures/hostile/files/xlsx_formulas_no_cached_value.xlsx");
    let out = ctg()
        .args(["valider", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    let d = v["diagnostics"].as_array().unwrap();
    let row = d
        .iter()
        .find(|d| d["code"] == "CTG-E126" && d["emplacement"]["ligne"] == 5)
        .unwrap_or_else(|| panic!("row 5 not reported: {v}"));
    assert!(
        row["valeur"].as_str().unwrap().starts_with("=A1*2 | =B4*2"),
        "{row}"
    );
    let w115 = d.iter().filter(|d| d["code"] == "CTG-W115").count();
    assert_eq!(w115, 5, "{v}");
    let lignes = &v["fichiers"][0]["lignes"];
    assert_eq!(
        lignes["lues"].as_u64(),
        Some(
            lignes["retenues"].as_u64().unwrap()
                + lignes["rejetees"].as_u64().unwrap()
                + lignes["non_lues"].as_u64().unwrap()
        )
    );
}

/// `valider` on one file isolates it in a forked child (no second program start): an abort or
/// a hang in the reader still ends as a French diagnostic, never as a crash or a wait.
#[test]
fn a_single_file_is_isolated_too_when_its_reader_aborts_or_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let good = root().join("tests/fixtures/calc/29161-pleuven.xlsx");
    for (name, var) in [
        ("abandon.xlsx", "CTG_TEST_LECTEUR_ABANDON"),
        ("blocage.xlsx", "CTG_TEST_LECTEUR_BLOCAGE"),
    ] {
        let f = dir.path().join(name);
        std::fs::copy(&good, &f).unwrap();
        let out = ctg()
            .env("CTG_DELAI_S", "2")
            .env(var, name)
            .args(["valider", "--format", "json"])
            .arg(&f)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("memory allocation"),
            "{stderr}"
        );
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        let v = stdout_json(&out);
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "CTG-E127", "{name}: {v}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .starts_with("lecture interrompue"),
            "{d}"
        );
    }
}

/// `valider --format json` on one file with isolation off, under 1 Gio of address space: the
/// pre-flight alone must hold.
fn valider_unisolated(path: &Path) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1048576; CTG_ISOLATION=0 exec {} valider --format json '{}'",
            env!("CARGO_BIN_EXE_ctg"),
            path.display()
        ))
        .output()
        .unwrap()
}

/// calamine reads a BIFF stream's globals from offset 0, then each sheet from the offset its
/// BOUNDSHEET record gives, and reserves a sheet's DIMENSIONS in 32-bit arithmetic. The
/// pre-flight must see each sheet where calamine will and compute what it will reserve:
/// without isolation and under 1 Gio of address space, each file is refused for its cause.
#[test]
fn biff_sheets_are_checked_where_the_reader_reads_them() {
    for (file, code, words) in [
        // found by fuzzing: a record length that makes the chain from offset 0 skip a sheet
        (
            "tests/fixtures/fuzz/retour/retour-567098d3.xls",
            "CTG-E132",
            "lignes",
        ),
        (
            "tests/fixtures/hostile/files/xls_sheet_off_the_record_chain.xls",
            "CTG-E132",
            "« Équipements »",
        ),
        (
            "tests/fixtures/hostile/files/xls_dimensions_first_row_after_last.xls",
            "CTG-E132",
            "« Équipements »",
        ),
        (
            "tests/fixtures/hostile/files/xls_sheet_offset_beyond_stream.xls",
            "CTG-E100",
            "« Équipements » commence à l'octet 93\u{202f}166",
        ),
    ] {
        let out = valider_unisolated(&root().join(file));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        let v = stdout_json(&out);
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], code, "{file}: {v}");
        assert!(
            d["message"].as_str().unwrap().contains(words),
            "{file}: {d}"
        );
    }
}

/// The .xlsx cases of cells outside the grid, in the binary format (.xlsb, made from a file
/// Excel saved): calamine builds a dense grid from the cells' extent (3 GB and 512 GB asked
/// here) and ends a sheet at a row past the grid (its cells after it lost in silence). Without
/// isolation, under 1 Gio, each is refused before calamine reads it, with the cell it names.
#[test]
fn binary_workbook_cells_outside_the_grid_are_refused_before_the_reader() {
    for (file, words) in [
        (
            "xlsb_cell_column_16777216.xlsb",
            "colonne 16\u{202f}777\u{202f}216",
        ),
        ("xlsb_row_2097153.xlsb", "ligne 2\u{202f}097\u{202f}153"),
        (
            "xlsb_cells_at_both_ends_of_the_grid.xlsb",
            "17\u{202f}179\u{202f}869\u{202f}184 cellules",
        ),
    ] {
        let path = root().join("tests/fixtures/hostile/files").join(file);
        let out = valider_unisolated(&path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        let v = stdout_json(&out);
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "CTG-E132", "{file}: {v}");
        assert!(
            d["message"].as_str().unwrap().contains(words),
            "{file}: {d}"
        );
    }
}

/// A worksheet is where the workbook's relationships say, not only in `xl/worksheets/`: each
/// attacked sheet moved to `xl/donnees/` (`make_moved_sheets.py`) is refused for the same cause
/// as when it lies in the usual folder, and the valid return so moved is read like the
/// original. Before, the moved sheets escaped the pre-flight: «la feuille « Équipements »
/// manque» for a bad index or dimension, index -1 read as the first text.
#[test]
fn a_sheet_stored_outside_the_worksheets_folder_is_checked_like_any_other() {
    let files = root().join("tests/fixtures/hostile/files");
    let run = |name: &str| {
        let out = valider_unisolated(&files.join(name));
        let v = stdout_json(&out);
        let codes: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        (out.status.code(), codes, v["fichiers"][0]["lignes"].clone())
    };
    for (original, moved) in [
        (
            "xlsx_cell_XFD1048576_value.xlsx",
            "xlsx_moved_sheet_cell_XFD1048576.xlsx",
        ),
        (
            "xlsx_sst_index_minus1.xlsx",
            "xlsx_moved_sheet_sst_index_minus1.xlsx",
        ),
        (
            "xlsx_sst_index_beyond.xlsx",
            "xlsx_moved_sheet_sst_index_beyond.xlsx",
        ),
        (
            "xlsx_dimension_malformed.xlsx",
            "xlsx_moved_sheet_dimension_malformed.xlsx",
        ),
        ("xlsx_named.ods", "xlsx_moved_sheet_valid.xlsx"),
    ] {
        let (a, b) = (run(original), run(moved));
        assert_eq!(a, b, "{original} / {moved}");
    }
    let (code, codes, lignes) = run("xlsx_moved_sheet_valid.xlsx");
    assert_eq!(code, Some(0), "{codes:?}");
    assert_eq!(lignes["retenues"], 11, "{lignes}");
}

/// The shared strings and the styles are where the workbook's relationships say
/// (`make_moved_parts.py`): each moved part gives the model of the original, and a part left
/// under the usual name that no relationship names is not what is read. Before, a return
/// whose shared strings lay in `xl/textes/partages.xml` was «formulaire non reconnu», and the
/// decoy's «LEURRE» texts were read in place of the partner's.
#[test]
fn shared_strings_and_styles_are_read_where_the_relationships_put_them() {
    let files = root().join("tests/fixtures/hostile/files");
    let dir = tempfile::tempdir().unwrap();
    let model = |name: &str| {
        let out = dir.path().join(format!("{name}.json"));
        let run = ctg()
            .args(["importer"])
            .arg(files.join(name))
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{name}: {stderr}");
        std::fs::read_to_string(&out).unwrap()
    };
    let original = model("xlsx_named.ods");
    assert!(original.contains("Galopins"), "{original}");
    for moved in [
        "xlsx_moved_shared_strings.xlsx",
        "xlsx_moved_styles.xlsx",
        "xlsx_shared_strings_decoy.xlsx",
    ] {
        let m = model(moved);
        assert!(!m.contains("LEURRE"), "{moved}");
        assert_eq!(m, original, "{moved}");
    }
}
