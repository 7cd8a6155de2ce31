//! Benchmark of the Word import (not a timed test):
//! `cargo run --release --example bench_word [fois] [--ecrire FICHIER.docx]`.
//!
//! Builds a long CTG with `ctg convention` from the sample model whose fiches-action are
//! repeated `fois` times (default 11: about 100 pages once rendered by LibreOffice — the
//! sample alone is 26 pages), then measures `ctg::docx::import` (unzip, streaming read,
//! recognition, account of every line) in process. Prints the median of 21 runs against the
//! 50 ms budget. `--ecrire` keeps the document, to count its pages
//! (`soffice --headless --convert-to pdf` then `pdfinfo`).

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let times: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(11)
        .max(1);
    let keep = args
        .iter()
        .position(|a| a == "--ecrire")
        .and_then(|i| args.get(i + 1));
    let root = env!("CARGO_MANIFEST_DIR");
    let mut ctg = ctg::io::read_model(std::path::Path::new(&format!(
        "{root}/samples/ctg-pays-fouesnantais.json"
    )))
    .expect("sample model");
    let fiches = ctg.fiches.clone();
    for k in 1..times {
        for f in &fiches {
            let mut g = f.clone();
            g.id = format!("{}.{k}", f.id);
            ctg.fiches.push(g);
        }
    }
    let bytes = ctg::convention::build(
        &ctg,
        &ctg::convention::Options {
            text: ctg::convention::DEFAULT_TEXT,
            logos: vec![],
            date: "2026-01-01T00:00:00Z".into(),
            toc_pages: Vec::new(),
        },
    )
    .expect("convention");
    if let Some(path) = keep {
        std::fs::write(path, &bytes).expect("write");
    }
    let (model, report) = ctg::docx::import(&bytes).expect("import");
    assert_eq!(model.fiches.len(), ctg.fiches.len());
    let mut runs: Vec<Duration> = (0..21)
        .map(|_| {
            let t = Instant::now();
            let r = ctg::docx::import(&bytes).expect("import");
            std::hint::black_box(r);
            t.elapsed()
        })
        .collect();
    runs.sort();
    let m = runs[runs.len() / 2].as_secs_f64() * 1000.0;
    let verdict = if m <= 50.0 { "ok" } else { "DÉPASSÉ" };
    println!(
        "import Word : {} Ko, {} paragraphes, {} tableaux, {} fiches, {} lignes ({} non placées)",
        bytes.len() / 1024,
        report.paragraphes,
        report.tableaux,
        model.fiches.len(),
        report.lignes,
        report.non_places.len()
    );
    println!("import Word (≈ 100 pages)   médiane {m:>8.3} ms   budget 50 ms   {verdict}");
}
