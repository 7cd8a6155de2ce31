//! The JSON model reader, then the rules on whatever it accepts.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(ctg) = ctg::io::parse_model(text, "fuzz.json")
    {
        let _ = ctg::rules::verify(&ctg, ctg::ao::Basis::Totale);
    }
});
