//! Helpers shared by the integration tests: the real binary, paths of checked-in inputs.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn ctg() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("ctg").expect("binary built");
    // Hermetic: a Caf profile in the tester's own configuration folder is not read.
    c.env("XDG_CONFIG_HOME", root().join("target/test-config-vide"));
    c
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample() -> PathBuf {
    root().join("samples/ctg-pays-fouesnantais.json")
}

pub fn input(rel: &str) -> PathBuf {
    root().join("tests/input").join(rel)
}

pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// A program the test needs; a missing one fails the test with the install advice, never
/// skips it silently (the test is `#[ignore]`d so a plain `cargo test` does not run it).
pub fn require_tool(name: &str, install: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} est introuvable : {install}"))
}

/// The shared corpus folder (`CTG_CORPUS`, else `../shared/corpus`); missing fails the test.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CTG_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "corpus introuvable à {} : définissez CTG_CORPUS",
        dir.display()
    );
    dir
}

/// The parts of a zip package (xlsx, docx, ods, or a plain zip), by name.
pub fn zip_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

/// Every sheet of a workbook as text (ctg's own grid reader), for comparisons.
pub fn sheets_text(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let book = ctg::workbook::grid::open(bytes, None).unwrap();
    book.sheets
        .iter()
        .map(|g| {
            (
                g.name.clone(),
                g.cells
                    .iter()
                    .map(|r| r.iter().map(|c| c.display()).collect())
                    .collect(),
            )
        })
        .collect()
}
