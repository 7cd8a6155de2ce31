//! Where the time of reading returns goes, stage by stage, over a folder of returns (a
//! profiling aid, not a test): `cargo run --release --example stages DOSSIER`.

use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::args().nth(1).expect("dossier de retours");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx" || e == "ods"))
        .collect();
    files.sort();
    let mut t: Vec<(&str, Duration)> = Vec::new();
    let mut add = |name: &'static str, d: Duration| match t.iter_mut().find(|x| x.0 == name) {
        Some(x) => x.1 += d,
        None => t.push((name, d)),
    };
    let _ = ctg::territory::referentiel();
    for f in &files {
        let s = Instant::now();
        let bytes = ctg::container::read_untrusted(f).unwrap();
        add("lecture du fichier", s.elapsed());
        let s = Instant::now();
        let fmt = ctg::container::sniff(&bytes);
        add("sniff (dont audit)", s.elapsed());
        let s = Instant::now();
        let _ = ctg::container::audit::zip(&bytes);
        add("audit zip seul", s.elapsed());
        let s = Instant::now();
        let _ = ctg::workbook::grid::open_in(fmt.clone(), None, &bytes, None);
        add("grid::open_in (calamine + %)", s.elapsed());
        let (_, package) = ctg::container::sniff_package(&bytes);
        let package = package.unwrap();
        let s = Instant::now();
        let _ = ctg::workbook::grid::open_in(fmt.clone(), Some(&package), &bytes, None);
        add("grid::open_in sur le paquet stocké", s.elapsed());
        let s = Instant::now();
        let _ = ctg::workbook::read::read_in(fmt.clone(), Some(&package), &bytes, "x.xlsx", None);
        add("read_in sur le paquet stocké", s.elapsed());
        let s = Instant::now();
        let _ = ctg::workbook::percent::xlsx_percent_cells(&bytes, &|n| {
            n != "Lisez-moi" && n != "_listes"
        });
        add("  dont % (xlsx)", s.elapsed());
        let s = Instant::now();
        let _ = ctg::container::saved_date(&bytes);
        add("date d'enregistrement", s.elapsed());
        let s = Instant::now();
        let _ = ctg::returns::annotate::untouched_copy(&package);
        add("marque de copie", s.elapsed());
        let s = Instant::now();
        let r = ctg::returns::validate(&bytes, "x.xlsx", None, ctg::ao::Basis::Totale);
        add("validate (tout)", s.elapsed());
        drop(r);
        let s = Instant::now();
        let e = ctg::consolidate::extract(f, None, ctg::ao::Basis::Totale, false);
        add("extract (tout, consolider)", s.elapsed());
        drop(e);
    }
    for (name, d) in t {
        println!("{name:<34} {:>8.1} ms", d.as_secs_f64() * 1000.0);
    }
}
