//! Peak memory at each stage of a consolidation: `cargo run --release --example memprobe DIR`.
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts live heap bytes, to tell retained data from allocator overhead.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(p, l) }
    }
}
#[global_allocator]
static A: Counting = Counting;

fn hwm() -> String {
    let heap = format!(
        "heap live {} MB peak {} MB",
        LIVE.load(Relaxed) / 1_000_000,
        PEAK.load(Relaxed) / 1_000_000
    );
    let vm = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("VmHWM"))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{heap} {vm}")
}
fn main() {
    let dir = std::env::args().nth(1).expect("dossier");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    let t = std::time::Instant::now();
    let s = ctg::consolidate::Settings {
        isolation: None,
        ctg: None,
        priorite: None,
        basis: ctg::ao::Basis::Totale,
        progress: &|| {},
        model: std::env::args().nth(2).is_some(),
    };
    let c = ctg::consolidate::consolidate(&files, &s);
    println!("consolidate {:.1}s {}", t.elapsed().as_secs_f64(), hwm());
    let rows: usize = c.entities.iter().map(|e| e.rows.len()).sum();
    println!("rows {rows} diags {}", c.diagnostics.len());
    let mut bytes_rows = 0usize;
    for e in &c.entities {
        for r in &e.rows {
            bytes_rows += std::mem::size_of_val(r) + r.values.capacity() * 32;
            for v in &r.values {
                if let ctg::workbook::write::Cell::Text(t) = v {
                    bytes_rows += t.capacity();
                }
            }
        }
    }
    println!(
        "entity rows ≈ {} MB; model json {} MB",
        bytes_rows / 1_000_000,
        ctg::io::model_json(&c.model).len() / 1_000_000
    );
    let bytes = ctg::consolidate::write::write(&c, None).unwrap();
    println!(
        "write {:.1}s {} MB out {}",
        t.elapsed().as_secs_f64(),
        bytes.len() / 1_000_000,
        hwm()
    );
}
