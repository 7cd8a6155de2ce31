//! An untrusted Word document given to `importer`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let imported = ctg::import::import(data, "fuzz.docx");
    let _ = imported.diagnostics.len();
});
