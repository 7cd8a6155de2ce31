//! A profiling loop (not a test): every return of a folder extracted three times as
//! `consolider` does, one after the other. `cargo run --release --example extract_loop DOSSIER`
//! under `perf record`, or timed old against new.

fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let _ = ctg::territory::referentiel();
    for _ in 0..3 {
        for f in &files {
            let e = ctg::consolidate::extract(f, None, ctg::ao::Basis::Totale, false);
            std::hint::black_box(e);
        }
    }
}
