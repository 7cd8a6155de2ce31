//! Model → workbook → model is the identity: on the sample, and on generated models.

use ctg::io::parse_model;
use ctg::workbook::{export, layouts, read};

fn sample() -> ctg::Ctg {
    parse_model(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/ctg-pays-fouesnantais.json"
        ))
        .unwrap(),
        "s",
    )
    .unwrap()
}

#[test]
fn sample_round_trips_through_xlsx() {
    let ctg = sample();
    let bytes = export(&ctg).unwrap();
    let out = read::read(&bytes, "ctg.xlsx", None).unwrap();
    assert_eq!(out.layout.kind, layouts::CTG_COMPLET.kind);
    let errors: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity != ctg::Severity::Info)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    if out.model != ctg {
        let a = ctg::io::model_json(&ctg);
        let b = ctg::io::model_json(&out.model);
        for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            assert_eq!(x, y, "first difference at line {}", i + 1);
        }
        panic!("models differ");
    }
    assert_eq!(out.counts.rejected, 0);
    assert_eq!(out.counts.read, out.counts.kept);
}
