//! An untrusted Word document given to `importer`.
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
    let imported = ctg::import::import(data, "fuzz.docx");
    let _ = imported.diagnostics.len();
});
