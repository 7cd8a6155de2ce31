//! The JSON model: read → write → read is the identity, on the sample and on every variant.

use ctg::io::{model_json, parse_model};

#[test]
fn sample_read_write_read_is_identical() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/ctg-pays-fouesnantais.json"
    ))
    .unwrap();
    let a = parse_model(&text, "sample").unwrap();
    let written = model_json(&a);
    let b = parse_model(&written, "written").unwrap();
    assert_eq!(a, b);
    assert_eq!(written, model_json(&b), "writing is deterministic");
    assert_eq!(a.fiches.len(), 13);
    assert!(a.axes.len() >= 4);
    assert!(
        a.fiches
            .iter()
            .any(|f| f.disposition == ctg::referentials::Disposition::PointsForts)
    );
    assert!(
        a.fiches
            .iter()
            .any(|f| f.disposition == ctg::referentials::Disposition::ModeleCaf)
    );
    let quarters: std::collections::BTreeSet<_> =
        a.suivi.iter().map(|s| s.trimestre.as_str()).collect();
    assert!(quarters.len() >= 2);
}
