//! One part of a real return replaced by the fuzzer's bytes (the «Équipements» sheet, or the
//! shared strings when the first byte is odd): the fuzzer works on XML inside a valid
//! package instead of on zip framing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::{Read, Write};

static BASE: &[u8] = include_bytes!("../seeds/retour.xlsx");

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
    let Some((&sel, xml)) = data.split_first() else { return };
    let target = if sel & 1 == 0 { "xl/worksheets/sheet3.xml" } else { "xl/sharedStrings.xml" };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(BASE)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.start_file(name.clone(), opts).unwrap();
        out.write_all(if name == target { xml } else { &buf }).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let r = ctg::returns::validate(&bytes, "fuzz.xlsx", None, ctg::ao::Basis::Totale);
    let _ = r.entry();
});
