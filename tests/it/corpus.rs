//! Every file of the shared corpus gives data or a clear error, within 5 s and 1 GiB, in
//! its own process (an allocation failure aborts a process: it cannot be caught inside).
//! Needs the shared corpus (`CTG_CORPUS`, else `../shared/corpus`): ignored by a plain
//! `cargo test`, run by `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["xlsx", "xls", "ods", "docx", "broken"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            out.extend(
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            );
        }
    }
    out.sort();
    out
}

#[test]
#[ignore = "needs the shared corpus (CTG_CORPUS or ../shared/corpus)"]
fn every_corpus_file_reads_or_fails_clearly() {
    let dir = crate::common::corpus_dir().display().to_string();
    let bin = env!("CARGO_BIN_EXE_ctg");
    let files = files(Path::new(&dir));
    assert!(
        files.len() > 200,
        "corpus incomplet à {dir}: {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let start = Instant::now();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576; exec \"$0\" sonder \"$1\"")
            .arg(bin)
            .arg(f)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if start.elapsed() > Duration::from_secs(5) {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let out = child
            .wait_with_output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
            .unwrap_or_default();
        match status.and_then(|s| s.code()) {
            Some(0) if out.starts_with("lu") || out.starts_with("reconnu") => {}
            Some(1) if out.starts_with("refusé [CTG-") => {}
            None => failures.push(format!(
                "{}: délai de 5 s dépassé ou arrêt brutal",
                f.display()
            )),
            Some(c) => failures.push(format!(
                "{}: code {c}, sortie « {} »",
                f.display(),
                out.trim()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} fichiers en échec :\n{}",
        failures.len(),
        failures.join("\n")
    );
}
