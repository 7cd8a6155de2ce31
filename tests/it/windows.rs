//! `ctg.exe` under Wine: the Windows program, cross-built by `scripts/build-windows.sh`, run
//! on the samples with Windows paths (drive letter, backslashes), gives what the Linux binary
//! gives; and what is Windows' own (profile in %APPDATA%, LibreOffice in Program Files,
//! file names without case, readers in worker processes, Ctrl+C) works there.
//!
//! Each test has a fresh Wine prefix (its first start creates it) and `WINEDEBUG=-all`. The
//! build goes to `<target>/windows` (a target folder of its own, so it does not wait on the
//! lock of the test build); the Wine 8.0 stand-in for `bcryptprimitives.dll`
//! (`tests/wine/bcryptprimitives.c`) is put beside `ctg.exe` in the test folder only.

use crate::common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The folder `scripts/build-windows.sh` filled (`ctg.exe`, `wine-test/`), built once for all
/// the tests of this module.
fn dist() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        require_tool(
            "x86_64-w64-mingw32-gcc",
            "apt-get install gcc-mingw-w64-x86-64 (et rustup target add x86_64-pc-windows-gnu)",
        );
        // <target>/debug/ctg → <target>/windows
        let target = Path::new(env!("CARGO_BIN_EXE_ctg"))
            .parent()
            .and_then(Path::parent)
            .expect("target folder")
            .join("windows");
        let dist = target.join("dist");
        let started = Instant::now();
        let out = Command::new(root().join("scripts/build-windows.sh"))
            .arg(&dist)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(root())
            .output()
            .expect("scripts/build-windows.sh lancé");
        assert!(
            out.status.success(),
            "scripts/build-windows.sh a échoué :\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "ctg.exe construit en {:.1} s",
            started.elapsed().as_secs_f64()
        );
        dist
    })
}

/// A Windows program folder (ctg.exe and the Wine stand-in) and a fresh Wine prefix; the
/// prefix's wineserver is stopped when the test ends, panicking or not.
struct Wine {
    bin: tempfile::TempDir,
    prefix: tempfile::TempDir,
}

impl Wine {
    fn new() -> Wine {
        require_tool("wine", "apt-get install wine (Wine 8.0)");
        let bin = tempfile::tempdir().unwrap();
        std::fs::copy(dist().join("ctg.exe"), bin.path().join("ctg.exe")).unwrap();
        std::fs::copy(
            dist().join("wine-test/bcryptprimitives.dll"),
            bin.path().join("bcryptprimitives.dll"),
        )
        .unwrap();
        let w = Wine {
            bin,
            prefix: tempfile::tempdir().unwrap(),
        };
        // The first start creates the prefix (20 to 60 s on a slow machine).
        let started = Instant::now();
        let v = w.run(["--version"]);
        assert!(v.status.success(), "{}", text(&v.stderr));
        assert_eq!(
            text(&v.stdout).trim(),
            format!("ctg {}", env!("CARGO_PKG_VERSION"))
        );
        eprintln!(
            "préfixe Wine créé en {:.1} s",
            started.elapsed().as_secs_f64()
        );
        w
    }

    fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = Command::new("wine");
        c.arg(self.bin.path().join("ctg.exe"))
            .args(args)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            // No Mono or Gecko installer when the prefix is created; no window.
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .current_dir(self.bin.path());
        c
    }

    fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(args).output().expect("wine lancé")
    }

    /// The Windows user's roaming application data folder (%APPDATA%) in the prefix.
    fn appdata(&self) -> PathBuf {
        let users = self.prefix.path().join("drive_c/users");
        let mine: Vec<PathBuf> = std::fs::read_dir(&users)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name() != Some(OsStr::new("Public")))
            .collect();
        assert_eq!(mine.len(), 1, "{mine:?}");
        mine[0].join("AppData/Roaming")
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = Command::new("wineserver")
            .arg("-k")
            .env("WINEPREFIX", self.prefix.path())
            .status();
    }
}

/// A Linux path as Wine shows it to Windows programs: `/tmp/x/y` → `Z:\tmp\x\y`.
fn win(p: &Path) -> String {
    assert!(p.is_absolute(), "{}", p.display());
    format!("Z:{}", p.display()).replace('/', "\\")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Paths as both programs write them, each replaced by a name (`<T>`), and the separators
/// after it made `/`, so that a Windows and a Linux report compare.
struct Paths(Vec<(String, String)>);

impl Paths {
    fn new(pairs: &[(&Path, &str)]) -> Paths {
        let mut v = Vec::new();
        for (p, name) in pairs {
            v.push((win(p), name.to_string()));
            v.push((p.display().to_string(), name.to_string()));
        }
        // Longest first, so that a folder inside another is replaced by its own name.
        v.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Paths(v)
    }

    fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (p, name) in &self.0 {
            out = out.replace(p.as_str(), name);
        }
        if out != s {
            out.replace('\\', "/")
        } else {
            out
        }
    }

    fn json(&self, v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => *s = self.text(s),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| self.json(x)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|x| self.json(x)),
            _ => {}
        }
    }

    fn json_bytes(&self, b: &[u8]) -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_slice(b)
            .unwrap_or_else(|e| panic!("JSON attendu ({e}) : {}", text(b)));
        self.json(&mut v);
        v
    }
}

/// Every file of a folder, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} : {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The parts of a zip package in order (name, compression, content): what two packages
/// hold. Their bytes differ where the zip format records the system that wrote them
/// ("version made by": MS-DOS or Unix, and the external attributes).
fn parts(bytes: &[u8]) -> Vec<(String, String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut content).unwrap();
            (
                f.name().unwrap().to_string(),
                format!("{:?}", f.compression()),
                content,
            )
        })
        .collect()
}

/// The same files (same names; zip packages with the same parts, other files the same bytes).
#[track_caller]
fn assert_same_files(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}");
    for ((name, x), (_, y)) in a.iter().zip(b) {
        if x.starts_with(b"PK\x03\x04") {
            assert!(
                parts(x) == parts(y),
                "{what} : {name} n'a pas le même contenu"
            );
        } else {
            assert!(x == y, "{what} : {name} différent");
        }
    }
}

/// Every sheet of a workbook as text, paths made comparable.
fn cells(path: &Path, paths: &Paths) -> Vec<(String, Vec<Vec<String>>)> {
    sheets_text(&std::fs::read(path).unwrap())
        .into_iter()
        .map(|(name, rows)| {
            let rows = rows
                .into_iter()
                .map(|r| r.iter().map(|c| paths.text(c)).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

/// The exit code, and the standard error when it is not the one expected.
#[track_caller]
fn assert_code(out: &Output, code: i32, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what} : sortie {:?}\n{}\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// One argument of a command run by both programs.
enum A<'a> {
    S(&'a str),
    /// A file both read, as each program names it.
    In(&'a Path),
    /// An output, in the program's own folder.
    Out(&'a str),
}

/// ctg.exe writes in `w`, the Linux binary in `l`; both read the same inputs.
struct Both<'a> {
    wine: &'a Wine,
    w: PathBuf,
    l: PathBuf,
}

impl Both<'_> {
    /// The command with ctg.exe (Windows paths) and with the Linux binary.
    fn run(&self, args: &[A]) -> (Output, Output) {
        let wargs: Vec<String> = args
            .iter()
            .map(|a| match a {
                A::S(s) => s.to_string(),
                A::In(p) => win(p),
                A::Out(rel) => win(&self.w.join(rel)),
            })
            .collect();
        let largs: Vec<std::ffi::OsString> = args
            .iter()
            .map(|a| match a {
                A::S(s) => s.into(),
                A::In(p) => p.into(),
                A::Out(rel) => self.l.join(rel).into(),
            })
            .collect();
        (self.wine.run(&wargs), ctg().args(&largs).output().unwrap())
    }

    /// [`Both::run`], both with the exit code expected.
    #[track_caller]
    fn ok(&self, args: &[A], code: i32) -> (Output, Output) {
        let (w, l) = self.run(args);
        let what = match args.first() {
            Some(A::S(s)) => *s,
            _ => "?",
        };
        assert_code(&l, code, &format!("{what} (Linux)"));
        assert_code(&w, code, &format!("{what} (ctg.exe sous Wine)"));
        (w, l)
    }
}

#[test]
#[ignore = "needs wine and the x86_64-pc-windows-gnu target (.ci/run installs them)"]
fn ctg_exe_under_wine_gives_the_linux_results_on_the_samples() {
    let wine = Wine::new();
    let started = Instant::now();
    let t = tempfile::tempdir().unwrap();
    let both = Both {
        wine: &wine,
        w: t.path().join("w"),
        l: t.path().join("l"),
    };
    let (w, l) = (&both.w, &both.l);
    std::fs::create_dir_all(w).unwrap();
    std::fs::create_dir_all(l).unwrap();
    // Each program's folder is <OUT> in what they write; the inputs made by ctg.exe (and
    // checked against Linux's) are then read by both from `w`.
    let paths = Paths::new(&[(&root(), "<RACINE>"), (w, "<OUT>"), (l, "<OUT>")]);
    let sample = sample();
    use A::*;

    // verifier, JSON and text.
    let (v, lv) = both.ok(&[S("verifier"), In(&sample), S("--format"), S("json")], 0);
    let report = paths.json_bytes(&v.stdout);
    assert_eq!(report, paths.json_bytes(&lv.stdout));
    assert_eq!(
        report["fichiers"][0]["fichier"],
        "<RACINE>/samples/ctg-pays-fouesnantais.json"
    );
    assert!(!report["diagnostics"].as_array().unwrap().is_empty());
    let (vt, lvt) = both.ok(&[S("verifier"), In(&sample)], 0);
    assert_eq!(
        paths.text(&text(&vt.stdout)),
        paths.text(&text(&lvt.stdout))
    );
    assert!(text(&vt.stdout).contains(&format!("Vérification de {}\n", win(&sample))));
    assert!(
        text(&vt.stdout).contains("Bilan : 0 erreur"),
        "{}",
        text(&vt.stdout)
    );

    // formulaires: the same files (Windows' and Linux's differ only in the zip's system field).
    let (f, _) = both.ok(
        &[
            S("formulaires"),
            In(&sample),
            S("--sortie"),
            Out("formulaires"),
            S("--date"),
            S("2026-04-01"),
        ],
        0,
    );
    let forms = files(&w.join("formulaires"));
    assert_eq!(forms.len(), 8, "7 communes et l'EPCI");
    assert_same_files(&forms, &files(&l.join("formulaires")), "formulaires");
    let fouesnant = w.join("formulaires/29058-fouesnant.xlsx");
    assert!(
        text(&f.stdout).contains(&win(&fouesnant)),
        "{}",
        text(&f.stdout)
    );

    // exemple retours: the same files.
    both.ok(
        &[
            S("exemple"),
            S("retours"),
            S("-n"),
            S("6"),
            S("--graine"),
            S("7"),
            S("--sortie"),
            Out("retours"),
        ],
        0,
    );
    let returns = files(&w.join("retours"));
    assert_eq!(returns.len(), 7, "6 retours et le manifeste");
    assert_same_files(&returns, &files(&l.join("retours")), "retours");

    // valider: a folder and a file, the same diagnostics.
    let retours = w.join("retours");
    let (va, lva) = both.ok(
        &[
            S("valider"),
            In(&retours),
            In(&fouesnant),
            S("--format"),
            S("json"),
        ],
        1,
    );
    let report = paths.json_bytes(&va.stdout);
    assert_eq!(report, paths.json_bytes(&lva.stdout));
    let names: Vec<&str> = report["fichiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fichier"].as_str().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        8,
        "6 retours, le manifeste (ignoré), un formulaire : {names:?}"
    );
    assert!(names.contains(&"<OUT>/retours/manifeste.tsv"), "{names:?}");
    assert!(
        names.contains(&"<OUT>/formulaires/29058-fouesnant.xlsx"),
        "{names:?}"
    );
    assert!(
        report["compteurs"]["erreurs"].as_u64().unwrap() > 0,
        "{}",
        report["compteurs"]
    );

    // valider --annoter: the same copies, part for part.
    let (ann, _) = both.ok(
        &[S("valider"), In(&retours), S("--annoter"), Out("annotees")],
        1,
    );
    let copy_line = format!("copie annotée : {}\\", win(&w.join("annotees")));
    assert!(
        text(&ann.stdout).contains(&copy_line),
        "{}",
        text(&ann.stdout)
    );
    let copies = files(&w.join("annotees"));
    assert!(!copies.is_empty(), "aucune copie annotée");
    assert_same_files(&copies, &files(&l.join("annotees")), "copies annotées");

    // consolider: the same report, model and workbook cells.
    let formulaires = w.join("formulaires");
    let (c, lc) = both.ok(
        &[
            S("consolider"),
            In(&retours),
            In(&formulaires),
            S("--ctg"),
            In(&sample),
            S("--sortie"),
            Out("consolide.xlsx"),
            S("--modele"),
            Out("consolide.json"),
            S("--format"),
            S("json"),
        ],
        1,
    );
    let report = paths.json_bytes(&c.stdout);
    assert_eq!(report, paths.json_bytes(&lc.stdout));
    assert_eq!(
        report["resultat"]["sortie"], "<OUT>/consolide.xlsx",
        "{}",
        report["resultat"]
    );
    let model = |p: &Path| paths.json_bytes(&std::fs::read(p).unwrap());
    assert_eq!(
        model(&w.join("consolide.json")),
        model(&l.join("consolide.json"))
    );
    let book = cells(&w.join("consolide.xlsx"), &paths);
    assert_eq!(book, cells(&l.join("consolide.xlsx"), &paths));
    let fichiers = &book
        .iter()
        .find(|(n, _)| n == "Fichiers")
        .expect("feuille Fichiers")
        .1;
    assert!(
        fichiers
            .iter()
            .flatten()
            .any(|c| c == "<OUT>/formulaires/29058-fouesnant.xlsx"),
        "{fichiers:?}"
    );
    // The consolidated model is a CTG that ctg.exe verifies as Linux does.
    let (vm, lvm) = both.run(&[
        S("verifier"),
        In(&w.join("consolide.json")),
        S("--format"),
        S("json"),
    ]);
    assert_eq!(vm.status.code(), lvm.status.code(), "{}", text(&vm.stderr));
    assert_eq!(paths.json_bytes(&vm.stdout), paths.json_bytes(&lvm.stdout));

    // convention: the same document; read back as Linux reads it.
    let (cv, _) = both.ok(
        &[
            S("convention"),
            In(&sample),
            S("--sortie"),
            Out("convention.docx"),
        ],
        0,
    );
    let written = format!("{} écrit", win(&w.join("convention.docx")));
    assert!(text(&cv.stderr).contains(&written), "{}", text(&cv.stderr));
    let docx = std::fs::read(w.join("convention.docx")).unwrap();
    assert!(docx.len() > 10_000, "{} octets", docx.len());
    assert!(
        parts(&docx) == parts(&std::fs::read(l.join("convention.docx")).unwrap()),
        "convention différente de celle de Linux"
    );
    let convention = w.join("convention.docx");
    let (i, li) = both.run(&[
        S("importer"),
        In(&convention),
        S("--sortie"),
        Out("relue.json"),
        S("--format"),
        S("json"),
    ]);
    assert_eq!(i.status.code(), li.status.code(), "{}", text(&i.stderr));
    assert_eq!(paths.json_bytes(&i.stdout), paths.json_bytes(&li.stdout));
    assert_eq!(model(&w.join("relue.json")), model(&l.join("relue.json")));
    eprintln!(
        "commandes sous Wine et Linux : {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Every XML part of a package, as one text.
fn xml_text(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        if f.name().unwrap().ends_with(".xml") {
            std::io::Read::read_to_string(&mut f, &mut all).unwrap();
        }
    }
    all
}

/// The one file report of `valider --format json` for a file whose name contains `part`.
fn entry<'a>(report: &'a serde_json::Value, part: &str) -> &'a serde_json::Value {
    report["fichiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fichier"].as_str().unwrap().contains(part))
        .unwrap_or_else(|| panic!("{part} absent : {report}"))
}

#[test]
#[ignore = "needs wine and the x86_64-pc-windows-gnu target (.ci/run installs them)"]
fn ctg_exe_under_wine_finds_what_windows_keeps_where_windows_keeps_it() {
    let wine = Wine::new();
    let t = tempfile::tempdir().unwrap();
    let sample = win(&sample());

    // The Caf's profile in %APPDATA%\ctg\ctg.toml, its logo beside it.
    let config = wine.appdata().join("ctg");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("ctg.toml"),
        "contact = \"Chargée de coopération, cooperation@caf29.example.fr\"\nlogos = [\"logo.png\"]\n",
    )
    .unwrap();
    std::fs::copy(input("logo-caf.png"), config.join("logo.png")).unwrap();
    let forms = t.path().join("formulaires");
    let f = wine.run([
        "formulaires",
        &sample,
        "--sortie",
        &win(&forms),
        "--date",
        "2026-06-15",
    ]);
    assert_code(&f, 0, "formulaires");
    let err = text(&f.stderr);
    assert!(
        err.contains("profil de la Caf : C:\\users\\")
            && err.contains("\\AppData\\Roaming\\ctg\\ctg.toml"),
        "{err}"
    );
    assert!(
        xml_text(&forms.join("29058-fouesnant.xlsx")).contains("cooperation@caf29.example.fr"),
        "contact du profil absent"
    );

    // convention --pdf without LibreOffice: the Windows advice, the .docx still written.
    let docx = t.path().join("Convention signée.docx");
    let c = wine.run(["convention", &sample, "--sortie", &win(&docx), "--pdf"]);
    assert_code(&c, 2, "convention --pdf sans LibreOffice");
    let err = text(&c.stderr);
    assert!(
        err.contains("https://fr.libreoffice.org/download/")
            && err.contains("Word")
            && !err.contains("apt-get"),
        "{err}"
    );
    let mut z = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    assert!(
        z.by_name("word/media/logo1.png").is_ok(),
        "logo du profil absent"
    );

    // A LibreOffice where its installer puts it (a stand-in that notes its arguments).
    let program = wine
        .prefix
        .path()
        .join("drive_c/Program Files/LibreOffice/program");
    std::fs::create_dir_all(&program).unwrap();
    let gcc = Command::new("x86_64-w64-mingw32-gcc")
        .args(["-O2", "-municode", "-o"])
        .arg(program.join("soffice.com"))
        .arg(root().join("tests/wine/fake-soffice.c"))
        .output()
        .unwrap();
    assert!(gcc.status.success(), "{}", text(&gcc.stderr));
    let c = wine.run([
        "convention",
        &sample,
        "--sortie",
        &win(&docx),
        "--pdf",
        "--force",
    ]);
    assert_code(&c, 0, "convention --pdf");
    let pdf = t.path().join("Convention signée.pdf");
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF"),
        "PDF absent"
    );
    let err = text(&c.stderr);
    assert!(err.contains(&format!("{} écrit", win(&pdf))), "{err}");
    // No pdftotext in the prefix: the Sommaire's page numbers are left to Word.
    assert!(err.contains("Mettre à jour les champs"), "{err}");
    let args = std::fs::read_to_string(program.join("soffice-args.txt")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    let profile = args[0];
    assert!(
        profile.starts_with("-env:UserInstallation=file:///C:/")
            && !profile.contains('\\')
            && !profile.contains(' '),
        "{args:?}"
    );
    assert_eq!(
        args[1..],
        [
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            &win(t.path()),
            &win(&docx)
        ],
    );

    // Two names that differ only by case are one file on Windows.
    let made = ctg()
        .args(["exemple", "retours", "-n", "6", "--graine", "7", "-o"])
        .arg(t.path().join("retours"))
        .output()
        .unwrap();
    assert_code(&made, 0, "exemple retours (Linux)");
    let retours = t.path().join("retours");
    let c = wine.run([
        "consolider",
        &win(&retours),
        "--sortie",
        &win(&t.path().join("Bilan.xlsx")),
        "--modele",
        &win(&t.path().join("bilan.XLSX")),
    ]);
    assert_code(&c, 2, "consolider --sortie Bilan.xlsx --modele bilan.XLSX");
    assert!(
        text(&c.stderr).contains("désignent le même fichier"),
        "{}",
        text(&c.stderr)
    );

    // Readers in worker processes: one that aborts or hangs costs only its file.
    let (loctudy, villes) = (
        win(&retours.join("29135-loctudy.xlsx")),
        win(&retours.join("08138-les-deux-villes.xlsx")),
    );
    for args in [
        vec![loctudy.as_str(), villes.as_str()],
        vec![loctudy.as_str()],
    ] {
        let mut cmd = wine.command(["valider"].iter().chain(&args).chain(&["--format", "json"]));
        let v = cmd
            .env("CTG_TEST_LECTEUR_ABANDON", "loctudy")
            .output()
            .unwrap();
        assert_code(&v, 1, "valider, lecteur qui abandonne");
        let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
        let d = &report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "CTG-E127")
            .unwrap_or_else(|| panic!("pas de CTG-E127 : {report}"))["message"];
        assert!(
            d.as_str()
                .unwrap()
                .contains("arrêt sur allocation impossible"),
            "{d}"
        );
        assert_eq!(entry(&report, "loctudy")["statut"]["code"], "rejete");
        if args.len() == 2 {
            assert_ne!(entry(&report, "deux-villes")["statut"]["code"], "rejete");
            assert!(
                entry(&report, "deux-villes")["lignes"]["lues"]
                    .as_u64()
                    .unwrap()
                    > 0
            );
        }
    }
    let started = Instant::now();
    let v = wine
        .command(["valider", &loctudy, &villes, "--format", "json"])
        .env("CTG_TEST_LECTEUR_BLOCAGE", "loctudy")
        .env("CTG_DELAI_S", "2")
        .output()
        .unwrap();
    assert_code(&v, 1, "valider, lecteur bloqué");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let report: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert!(
        report.to_string().contains("plus de 2 s de lecture"),
        "{report}"
    );
    assert_eq!(entry(&report, "loctudy")["statut"]["code"], "rejete");
    assert_ne!(entry(&report, "deux-villes")["statut"]["code"], "rejete");
}

/// Names of a folder's temporary outputs (`.ctg-<pid>-<n>.tmp`).
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".ctg-") || n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
#[ignore = "needs wine and the x86_64-pc-windows-gnu target (.ci/run installs them)"]
fn ctg_exe_under_wine_stopped_by_ctrl_c_leaves_no_temporary_file_and_no_reader() {
    let wine = Wine::new();
    let t = tempfile::tempdir().unwrap();
    let made = ctg()
        .args(["exemple", "retours", "-n", "1000", "--graine", "2", "-o"])
        .arg(t.path().join("retours"))
        .output()
        .unwrap();
    assert_code(&made, 0, "exemple retours (Linux)");
    let out = t.path().join("sortie");
    let args = [
        "consolider".to_string(),
        win(&t.path().join("retours")),
        "--force".into(),
        "--sortie".into(),
        win(&out.join("c.xlsx")),
        "--modele".into(),
        win(&out.join("m.json")),
    ];
    let whole = wine.command(&args).output().unwrap();
    assert_code(&whole, 1, "consolider");
    // The worker processes of this ctg.exe, as Wine names them to Linux.
    let reader = format!("{}\\ctg.exe\0lecteur\0", win(wine.bin.path()));
    let readers = || -> Vec<String> {
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                std::fs::read(e.path().join("cmdline"))
                    .is_ok_and(|c| c.windows(reader.len()).any(|w| w == reader.as_bytes()))
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    // Wine turns SIGINT into the console's Ctrl+C event. It is sent once the run writes its
    // two outputs (a temporary file has appeared), after a delay that varies. (Sent while
    // the readers start, it sometimes leaves the process hung in Wine 8.0's
    // NtTerminateProcess, with or without ctg's handler: 1 to 3 runs in 100 there.)
    let mut codes = Vec::new();
    for delay_ms in [0u64, 5, 15, 30, 60, 100, 150, 220] {
        let mut child = wine
            .command(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while temporaries(&out).is_empty() && child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{delay_ms} ms : aucune écriture"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        // A program that does not end after Ctrl+C is a failure, not a test that never ends.
        let signalled = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if signalled.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{delay_ms} ms : ctg.exe ne s'est pas arrêté dans les 60 s qui ont suivi Ctrl+C"
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        codes.push(status.code());
        let left = temporaries(&out);
        assert!(left.is_empty(), "{delay_ms} ms : {left:?}");
        // The outputs of the first run, or whole new ones: never half-written.
        ctg::workbook::grid::open(&std::fs::read(out.join("c.xlsx")).unwrap(), None)
            .unwrap_or_else(|e| panic!("{delay_ms} ms : classeur illisible : {e:?}"));
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(out.join("m.json")).unwrap())
            .unwrap_or_else(|e| panic!("{delay_ms} ms : modèle illisible : {e}"));
        // No reader outlives the run (the Job Object ends them with ctg.exe).
        let ended = Instant::now();
        while !readers().is_empty() && ended.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(
            readers(),
            Vec::<String>::new(),
            "{delay_ms} ms : lecteurs restés en vie"
        );
    }
    eprintln!("Ctrl+C : codes de sortie {codes:?}");
    // 0xC000013A (STATUS_CONTROL_C_EXIT), seen from Linux as its low byte.
    assert!(
        codes.contains(&Some(0x3A)),
        "aucune exécution arrêtée par Ctrl+C (codes {codes:?})"
    );
}
