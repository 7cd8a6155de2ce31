//! Benchmarks of ctg (not timed tests): `cargo run --release --example bench`.
//! Prints the median of repeated runs of each measured step.

use std::time::{Duration, Instant};

use ctg::ao::Basis;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn measure(name: &str, budget_ms: f64, n: usize, mut f: impl FnMut()) {
    let runs: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    let m = median(runs).as_secs_f64() * 1000.0;
    let verdict = if m <= budget_ms { "ok" } else { "DÉPASSÉ" };
    println!("{name:<45} médiane {m:>9.3} ms   budget {budget_ms:>7.1} ms   {verdict}");
}

fn main() {
    let data: &'static str = include_str!("../data/territoire.tsv");
    measure("chargement du référentiel territorial", 20.0, 21, || {
        let r = ctg::territory::Referentiel::parse(data);
        assert!(r.commune_count() > 30_000);
    });
    let sample = include_str!("../samples/ctg-pays-fouesnantais.json");
    let ctg = ctg::io::parse_model(sample, "sample").unwrap();
    let _ = ctg::territory::referentiel();
    measure(
        "lecture JSON + vérification de l'exemple",
        20.0,
        51,
        || {
            let c = ctg::io::parse_model(sample, "sample").unwrap();
            let r = ctg::rules::verify(&c, Basis::Totale);
            assert_eq!(r.summary.errors, 0);
        },
    );
    measure(
        "territoire 242900660 (recherche + obligations)",
        20.0,
        51,
        || {
            ctg::territory::view::territoire("242900660", Basis::Totale).unwrap();
        },
    );
    let settings = ctg::returns::forms::FormSettings {
        date: "2026-05-04".parse().unwrap(),
        trimestre: "2026-T2".into(),
        deadline: String::new(),
        contact: String::new(),
    };
    measure("écriture d'un formulaire (Fouesnant)", 10.0, 31, || {
        ctg::returns::forms::form(&ctg, "29058", &settings).unwrap();
    });
    let returns = ctg::returns::exemple::returns(200, 1, 0.3).unwrap();
    let typical = &returns[0].bytes;
    measure("lecture + validation d'un retour type", 5.0, 51, || {
        let r = ctg::returns::validate(typical, "retour.xlsx", None, Basis::Totale);
        assert!(r.readable());
    });
    let export = ctg::workbook::export(&ctg).unwrap();
    measure("export du classeur complet de l'exemple", 50.0, 11, || {
        ctg::workbook::export(&ctg).unwrap();
    });
    measure("import du classeur complet de l'exemple", 50.0, 11, || {
        ctg::workbook::read::read(&export, "ctg.xlsx", None).unwrap();
    });
    let mut big = ctg.clone();
    let base = big.fiches.clone();
    big.fiches = (0..60)
        .map(|i| {
            let mut f = base[i % base.len()].clone();
            f.id = format!("{}.{}", i / 10 + 1, i % 10 + 1);
            f
        })
        .collect();
    let date = "2026-01-22T00:00:00Z".to_string();
    measure("convention DOCX de 60 fiches-action", 300.0, 11, || {
        ctg::convention::build(
            &big,
            &ctg::convention::Options {
                text: ctg::convention::DEFAULT_TEXT,
                logos: vec![],
                date: date.clone(),
                toc_pages: Vec::new(),
            },
        )
        .unwrap();
    });
    let docx = ctg::convention::build(
        &big,
        &ctg::convention::Options {
            text: ctg::convention::DEFAULT_TEXT,
            logos: vec![],
            date: date.clone(),
            toc_pages: Vec::new(),
        },
    )
    .unwrap();
    measure(
        "import Word d'une CTG de 60 fiches (~100 pages)",
        100.0,
        21,
        || {
            let (m, _) = ctg::docx::import(&docx).unwrap();
            assert_eq!(m.fiches.len(), 60);
        },
    );
    let t = Instant::now();
    let n = 1000;
    for i in 0..n {
        let r = ctg::returns::validate(
            &returns[i % returns.len()].bytes,
            "r.xlsx",
            None,
            Basis::Totale,
        );
        assert!(r.readable());
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{:<45} {:>9.3} s ({:.0} fichiers/s, un cœur)   budget {:>7.1} s",
        "1 000 retours validés (séquentiel)",
        s,
        n as f64 / s,
        3.0
    );
}
