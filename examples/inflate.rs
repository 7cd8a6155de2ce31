//! The floor of any reader: inflate every part of every file of a folder, nothing else.
//! `cargo run --release --example inflate DOSSIER` — used by scripts/bench-consolider.sh.

use std::io::Read;

fn main() {
    let dir = std::env::args().nth(1).expect("dossier");
    let mut files = 0usize;
    let mut bytes = 0u64;
    for e in std::fs::read_dir(dir).expect("dossier lisible") {
        let p = e.expect("entrée").path();
        let Ok(data) = std::fs::read(&p) else {
            continue;
        };
        let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(data)) else {
            continue;
        };
        for i in 0..z.len() {
            if let Ok(mut f) = z.by_index(i) {
                bytes += std::io::copy(&mut f.by_ref(), &mut std::io::sink()).unwrap_or(0);
            }
        }
        files += 1;
    }
    println!("{files} fichiers, {bytes} octets décompressés");
}
