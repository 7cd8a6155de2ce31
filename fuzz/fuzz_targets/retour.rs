//! A whole untrusted file given to `valider`: container pre-flight, zip audit, calamine,
//! layout matching, rules. Must return a report, never panic or abort.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = ctg::returns::validate(data, "fuzz.xlsx", None, ctg::ao::Basis::Totale);
    let _ = r.entry();
});
