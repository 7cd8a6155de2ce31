//! A whole untrusted file given to `valider`: container pre-flight, zip audit, calamine,
//! layout matching, rules. Must return a report, never panic or abort.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// ctg catches the panics of its readers (calamine panics on some corrupt .xls) and refuses
/// the file: such a panic is handled, not a crash. libFuzzer's hook would abort on it, so the
/// target keeps the process's silent hook; a panic that escapes ctg still aborts (the
/// fuzz_target! wrapper) and is reported.
fn quiet_caught_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

fuzz_target!(|data: &[u8]| {
    quiet_caught_panics();
    let r = ctg::returns::validate(data, "fuzz.xlsx", None, ctg::ao::Basis::Totale);
    let _ = r.entry();
});
