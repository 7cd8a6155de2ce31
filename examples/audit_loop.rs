fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let files: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    for _ in 0..5 {
        for b in &files {
            let _ = ctg::container::audit::zip(b);
        }
    }
}
