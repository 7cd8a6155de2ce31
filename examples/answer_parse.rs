//! How long the parent takes to decode a worker's answer (a profiling aid, not a test): the
//! answers of `ctg lecteur --tache consolider`, one JSON line each, decoded twenty times.
//! `cargo run --release --example answer_parse REPONSES.txt`

fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let t = std::time::Instant::now();
    for _ in 0..20 {
        for l in &lines {
            let e: ctg::consolidate::Extract = serde_json::from_str(l).unwrap();
            std::hint::black_box(e);
        }
    }
    println!(
        "{:.1} µs par réponse",
        t.elapsed().as_secs_f64() * 1e6 / (20 * lines.len()) as f64
    );
}
