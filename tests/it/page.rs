//! The page (dist/ctg.html) in a real browser: built from this checkout, opened from disk
//! with the network off in Debian's Chromium (driven by tests/web/e2e.mjs, playwright-core),
//! given the same files as the command line; what it shows and what it lets the user
//! download must be what the command line gives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{ctg, require_tool, root, sample};
use calamine::Reader;

/// Builds the page once per test run (its own target folder: the test build holds the other).
fn page() -> PathBuf {
    static PAGE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| {
        require_tool(
            "wasm-bindgen",
            "cargo install wasm-bindgen-cli --version 0.2.130",
        );
        let out = root().join("target/page/ctg.html");
        let st = Command::new("bash")
            .arg(root().join("scripts/build-page.sh"))
            .arg(&out)
            .env("CARGO_TARGET_DIR", root().join("target/wasm"))
            .status()
            .expect("scripts/build-page.sh");
        assert!(st.success(), "la construction de la page a échoué");
        out
    })
    .clone()
}

fn run_page(config: &serde_json::Value, dir: &Path) {
    require_tool("node", "apt-get install nodejs");
    assert!(
        Path::new("/usr/bin/chromium").is_file() || std::env::var_os("CTG_CHROMIUM").is_some(),
        "Chromium est introuvable : apt-get install chromium"
    );
    let cfg = dir.join("config.json");
    std::fs::write(&cfg, config.to_string()).unwrap();
    let web = root().join("tests/web");
    assert!(
        web.join("node_modules/playwright-core").is_dir(),
        "playwright-core absent : cd tests/web && npm ci"
    );
    let out = Command::new("node")
        .arg(web.join("e2e.mjs"))
        .arg(&cfg)
        .current_dir(&web)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "e2e.mjs a échoué :\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every sheet of a workbook as text, cell by cell.
fn cells(bytes: &[u8]) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .expect("classeur lisible");
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("feuille");
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (n, rows)
        })
        .collect()
}

fn json_file(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

/// The crafted files of tests/fixtures/hostile, sorted.
fn hostiles() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/hostile/files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

struct Setup {
    dir: tempfile::TempDir,
    returns: Vec<String>,
}

/// The calc returns copied into a folder (both sides read the same files, same dates), the
/// sample CTG beside a Caf profile and its logo.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let retours = dir.path().join("retours");
    std::fs::create_dir_all(&retours).unwrap();
    let mut returns = Vec::new();
    for e in std::fs::read_dir(root().join("tests/fixtures/calc")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if matches!(p.extension().and_then(|x| x.to_str()), Some("xlsx" | "ods")) {
            std::fs::copy(&p, retours.join(&name)).unwrap();
            returns.push(name);
        }
    }
    // Two returns of one commune that carry no saving date (no document properties, as
    // some tools write them): the later modification time decides which one is kept, on the
    // page as on the command line (the page asks a file's time only when it is needed).
    let fouesnant = std::fs::read(root().join("tests/fixtures/calc/29058-fouesnant.xlsx")).unwrap();
    for (n, day) in [(1, 10), (2, 20)] {
        let name = format!("29058-fouesnant-sans-date-{n}.xlsx");
        let p = retours.join(&name);
        std::fs::write(&p, without_saving_date(&fouesnant, n)).unwrap();
        let when =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_799_571_600 + day * 86_400);
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(when)
            .unwrap();
        returns.push(name);
    }
    returns.sort();
    let c = dir.path().join("ctg");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::copy(sample(), c.join("ctg-pays-fouesnantais.json")).unwrap();
    std::fs::copy(
        root().join("tests/input/logo-caf.png"),
        c.join("logo-caf.png"),
    )
    .unwrap();
    std::fs::write(
        c.join("ctg.toml"),
        "contact = \"Chargée de coopération, cooperation@caf29.example.fr\"\ndelai_reponse_jours = 21\nlogos = [\"logo-caf.png\"]\n[caf]\nnom = \"Caisse d'allocations familiales du Finistère\"\ndepartement = \"29\"\npresident = \"Mme Armelle Kervella\"\ndirecteur = \"M. Tugdual Le Meur\"\n",
    )
    .unwrap();
    Setup { dir, returns }
}

/// The workbook without `docProps/core.xml` (and the references to it); `n` is written in
/// `docProps/app.xml` so that two copies differ.
fn without_saving_date(bytes: &[u8], n: u32) -> Vec<u8> {
    use std::io::{Read, Write};
    let cut = |text: &str, start: &str| -> String {
        let Some(i) = text.find(start) else {
            return text.to_string();
        };
        let end = i + text[i..].find("/>").expect("élément fermé") + 2;
        format!("{}{}", &text[..i], &text[end..])
    };
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut found = 0;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let text = || String::from_utf8(data.clone()).unwrap();
        let data = match name.as_str() {
            "docProps/core.xml" => {
                found += 1;
                continue;
            }
            "[Content_Types].xml" => {
                cut(&text(), "<Override PartName=\"/docProps/core.xml\"").into_bytes()
            }
            "_rels/.rels" => {
                let t = text();
                let at = t.find("docProps/core.xml").expect("relation");
                let start = t[..at].rfind("<Relationship ").expect("relation");
                cut(&t, &t[start..at]).into_bytes()
            }
            "docProps/app.xml" => text()
                .replacen(
                    "</Properties>",
                    &format!("<Company>copie {n}</Company></Properties>"),
                    1,
                )
                .into_bytes(),
            _ => data,
        };
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    assert_eq!(found, 1, "docProps/core.xml absent du modèle");
    let out = w.finish().unwrap().into_inner();
    let text = format!(
        "{:?}",
        crate::common::zip_parts(&out).keys().collect::<Vec<_>>()
    );
    assert!(!text.contains("core.xml"), "{text}");
    out
}

#[test]
#[ignore = "needs Chromium, node with tests/web's packages, the wasm32 target and wasm-bindgen-cli (.ci/run installs them)"]
fn the_page_opened_from_disk_offline_gives_the_command_lines_results() {
    let page = page();
    let s = setup();
    let d = s.dir.path();
    let retours = d.join("retours");
    let cli = d.join("cli");
    let web = d.join("page");
    std::fs::create_dir_all(&web).unwrap();
    let ctg_json = d.join("ctg/ctg-pays-fouesnantais.json");
    let word = root().join("tests/fixtures/word/pyd-grille-modele-caf/document.docx");
    std::fs::copy(&word, d.join("ctg-autre-caf.docx")).unwrap();
    let date = "2026-05-04";

    // The command line on the same files.
    let out = ctg()
        .current_dir(&retours)
        .args(["valider", "--format", "json", "--annoter"])
        .arg(cli.join("copies"))
        .args(&s.returns)
        .output()
        .unwrap();
    let cli_valider: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = ctg()
        .current_dir(&retours)
        .arg("consolider")
        .args(&s.returns)
        .arg("--ctg")
        .arg(&ctg_json)
        .arg("-o")
        .arg(cli.join("consolide.xlsx"))
        .arg("--modele")
        .arg(cli.join("consolide.json"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli_consolider = cli.join("consolide.xlsx");
    assert!(cli_consolider.is_file());
    // Of the two returns without a saving date, the one modified last is kept (the page's
    // workbook is compared with this one below, cell for cell).
    let cli_consolidation: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let replaced: Vec<&str> = cli_consolidation["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["code"] == "CTG-W203"
                && d["emplacement"]["fichier"] == "29058-fouesnant-sans-date-1.xlsx"
        })
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        replaced.len() == 1
            && replaced[0].contains("29058-fouesnant-sans-date-2.xlsx")
            && replaced[0].contains("modifié le"),
        "{replaced:?}"
    );
    ctg()
        .arg("formulaires")
        .arg(&ctg_json)
        .arg("-o")
        .arg(cli.join("formulaires"))
        .args(["--date", date])
        .assert()
        .success();
    ctg()
        .arg("convention")
        .arg(&ctg_json)
        .arg("-o")
        .arg(cli.join("convention.docx"))
        .assert()
        .success();
    let out = ctg()
        .current_dir(d)
        .args(["importer", "ctg-autre-caf.docx", "-o"])
        .arg(cli.join("import.json"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli_import: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = ctg()
        .arg("verifier")
        .arg(&ctg_json)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli_verifier: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    // The page, as a user drives it.
    let config = serde_json::json!({
        "page": page, "out": web,
        "retours": s.returns.iter().map(|n| retours.join(n)).collect::<Vec<_>>(),
        "ctg": ctg_json, "logo": d.join("ctg/logo-caf.png"), "word": d.join("ctg-autre-caf.docx"),
        "date": date,
        "profil": { "nom": "Caisse d'allocations familiales du Finistère", "departement": "29",
                    "president": "Mme Armelle Kervella", "directeur": "M. Tugdual Le Meur",
                    "contact": "Chargée de coopération, cooperation@caf29.example.fr", "delai": 21 },
        "essais": ["pleuven", "benodet", "gouesnach"],
        "hostiles": hostiles(),
    });
    run_page(&config, d);
    let r = json_file(&web.join("page.json"));

    // Offline and clean: no request left the page, no script error.
    assert_eq!(r["requests"], serde_json::json!([]), "requêtes réseau");
    assert_eq!(r["errors"], serde_json::json!([]), "erreurs de la page");
    assert!(
        r["pret_ms"].as_u64().unwrap() < 10_000,
        "page prête en {} ms",
        r["pret_ms"]
    );

    // Vérifier des retours: the page's report is the command line's, diagnostic for
    // diagnostic; what it shows is that report, at the expected cells.
    let page_valider = json_file(&web.join("rapport-validation.json"));
    assert_eq!(page_valider["diagnostics"], cli_valider["diagnostics"]);
    assert_eq!(page_valider["fichiers"], cli_valider["fichiers"]);
    assert_eq!(page_valider["compteurs"], cli_valider["compteurs"]);
    let mut shown: Vec<(String, String, String, String)> = Vec::new();
    for f in r["retours_affiches"].as_array().unwrap() {
        for l in f["lignes"].as_array().unwrap() {
            shown.push((
                f["fichier"].as_str().unwrap().into(),
                l["titre"].as_str().unwrap().into(),
                l["code"].as_str().unwrap().into(),
                l["cellule"].as_str().unwrap().into(),
            ));
        }
    }
    let mut expected: Vec<(String, String, String, String)> = cli_valider["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let e = &d["emplacement"];
            let sheet = e["feuille"].as_str().unwrap_or("");
            (
                e["fichier"].as_str().unwrap().into(),
                if sheet.is_empty() {
                    "Le fichier".to_string()
                } else {
                    format!("Feuille «\u{a0}{sheet}\u{a0}»")
                },
                d["code"].as_str().unwrap().into(),
                e["cellule"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "diagnostics affichés");
    // Each mistake the Calc helper made is shown at its cell.
    let truth = json_file(&root().join("tests/fixtures/calc/truth.json"));
    for f in truth["fichiers"].as_array().unwrap() {
        for e in f["erreurs"].as_array().unwrap() {
            let (file, cell) = (
                f["fichier"].as_str().unwrap(),
                e["cellule"].as_str().unwrap(),
            );
            assert!(
                shown.iter().any(|s| s.0 == file && s.3 == cell),
                "{file} : l'erreur en {cell} n'est pas affichée"
            );
        }
    }
    // The annotated copies: byte for byte the command line's, under the same names.
    let copies = crate::common::zip_parts(&std::fs::read(web.join("copies-annotees.zip")).unwrap());
    let mut cli_copies: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for e in std::fs::read_dir(cli.join("copies")).unwrap() {
        let p = e.unwrap().path();
        cli_copies.insert(
            p.file_name().unwrap().to_string_lossy().into(),
            std::fs::read(&p).unwrap(),
        );
    }
    assert!(copies.len() >= 2, "copies annotées : {:?}", copies.keys());
    assert_eq!(
        copies.keys().collect::<Vec<_>>(),
        cli_copies.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &copies {
        assert!(
            bytes == &cli_copies[name],
            "copie annotée {name} différente"
        );
    }
    let one = r["copie_unique"].as_str().unwrap();
    assert_eq!(
        std::fs::read(web.join("copie-unique.bin")).unwrap(),
        cli_copies[one],
        "copie téléchargée seule : {one}"
    );

    // Consolider: the same workbook, cell for cell, and the same model.
    let page_cells = cells(&std::fs::read(web.join("consolide.xlsx")).unwrap());
    let cli_cells = cells(&std::fs::read(&cli_consolider).unwrap());
    assert_eq!(
        page_cells.keys().collect::<Vec<_>>(),
        cli_cells.keys().collect::<Vec<_>>()
    );
    for (sheet, rows) in &cli_cells {
        assert_eq!(
            &page_cells[sheet], rows,
            "feuille « {sheet} » du classeur consolidé"
        );
    }
    assert_eq!(
        json_file(&web.join("consolide.json")),
        json_file(&cli.join("consolide.json"))
    );
    // The Synthèse shown is the workbook's.
    let synthese: Vec<Vec<String>> = cli_cells["Synthèse"]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            while r.last().is_some_and(|c| c.is_empty()) {
                r.pop();
            }
            r
        })
        .filter(|r| !r.is_empty())
        .collect();
    assert!(synthese.len() > 5, "{synthese:?}");
    assert_eq!(r["synthese"], serde_json::json!(synthese));

    // Formulaires: the same forms, cell for cell (contact and deadline from the profile).
    let forms = crate::common::zip_parts(&std::fs::read(web.join("formulaires.zip")).unwrap());
    let mut cli_forms: Vec<String> = std::fs::read_dir(cli.join("formulaires"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    cli_forms.sort();
    assert!(cli_forms.len() > 5, "{cli_forms:?}");
    assert_eq!(forms.keys().cloned().collect::<Vec<_>>(), cli_forms);
    for (name, bytes) in &forms {
        assert_eq!(
            cells(bytes),
            cells(&std::fs::read(cli.join("formulaires").join(name)).unwrap()),
            "formulaire {name}"
        );
    }
    let lisez_moi = cells(&forms[&cli_forms[0]]);
    let text = format!("{lisez_moi:?}");
    assert!(
        text.contains("cooperation@caf29.example.fr"),
        "contact du profil absent"
    );

    // Convention: the same document (text, tables, logo), part for part.
    let page_docx = crate::common::zip_parts(&std::fs::read(web.join("convention.docx")).unwrap());
    let cli_docx = crate::common::zip_parts(&std::fs::read(cli.join("convention.docx")).unwrap());
    assert_eq!(
        page_docx.keys().collect::<Vec<_>>(),
        cli_docx.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &cli_docx {
        assert!(&page_docx[name] == bytes, "partie {name} de la convention");
    }
    assert!(
        page_docx.keys().any(|k| k.starts_with("word/media/")),
        "logo du profil absent"
    );

    // Importer and Vérifier une CTG.
    assert_eq!(
        json_file(&web.join("import.json")),
        json_file(&cli.join("import.json"))
    );
    let page_import = json_file(&web.join("rapport-import.json"));
    assert_eq!(page_import["diagnostics"], cli_import["diagnostics"]);
    assert_eq!(
        page_import["resultat"]["document"],
        cli_import["resultat"]["document"]
    );
    let cli_codes: Vec<&str> = cli_verifier["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!cli_codes.is_empty());
    assert_eq!(r["verifier_codes"], serde_json::json!(cli_codes));
    // «Vérifier une CTG» shows each problem at its field, under its part of the convention
    // (it showed an empty «Cellule» column under «Le fichier»).
    let cli_places: Vec<String> = cli_verifier["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["emplacement"]["pointeur"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let shown_places: Vec<String> = r["verifier_lieux"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_str().unwrap().to_string())
        .collect();
    assert_eq!(shown_places, cli_places);
    assert!(
        shown_places.iter().all(|p| p.starts_with('/')),
        "{shown_places:?}"
    );
    assert!(
        r["verifier_lieux"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p[0] != "Le fichier"),
        "{}",
        r["verifier_lieux"]
    );
    assert_eq!(r["onglet_clavier"], "tab-profil");
    // Every file field is the page's own French button, the chosen file named beside it
    // (the CTG and logo fields were the browser's, «Choose File» in an English browser).
    assert_eq!(r["champs_fichier_natifs"], serde_json::json!([]));
    assert_eq!(r["ctg_choisie"], "ctg-pays-fouesnantais.json");
    // On a laptop's screen the seven tabs hold on one line.
    assert_eq!(
        r["onglets_lignes"],
        serde_json::json!({ "1366x768": 1, "1280x720": 1 })
    );

    // Hostile readers cost only their file; the page answers afterwards.
    let table = r["hostile_table"].as_array().unwrap();
    assert_eq!(table.len(), s.returns.len());
    for row in table {
        let f = row["fichier"].as_str().unwrap();
        let hit = ["pleuven", "benodet", "gouesnach"]
            .iter()
            .any(|k| f.contains(k));
        assert_eq!(row["statut"] == "rejeté", hit, "{f} : {}", row["statut"]);
    }
    let messages: Vec<String> = r["hostile_affiches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            ["pleuven", "benodet", "gouesnach"]
                .iter()
                .any(|k| f["fichier"].as_str().unwrap().contains(k))
        })
        .map(|f| {
            let l = &f["lignes"][0];
            format!("{} {} {}", f["fichier"], l["code"], l["message"])
        })
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    let said = messages.join("\n");
    assert!(
        said.contains("pleuven") && said.contains("arrêt simulé"),
        "{said}"
    );
    assert!(
        said.contains("benodet") && said.contains("n’a pas été lu en 4"),
        "{said}"
    );
    assert!(
        said.contains("gouesnach") && said.contains("plus de mémoire"),
        "{said}"
    );
    assert!(messages.iter().all(|m| m.contains("CTG-E127")), "{said}");
    assert!(r["hostile_ensuite"].as_str().unwrap().starts_with("Bilan"));

    // Crafted files: the page answers for each as the command line does (same statut, same
    // first diagnostic), except where the command line's worker process was stopped by its
    // memory or time limit and the page's worker by its own (both reject the file).
    let files = hostiles();
    let out = ctg()
        .current_dir(root().join("tests/fixtures/hostile/files"))
        .args(["valider", "--format", "json"])
        .args(files.iter().map(|f| f.file_name().unwrap()))
        .output()
        .unwrap();
    let cli_h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let page_h = json_file(&web.join("rapport-hostiles.json"));
    let first = |rep: &serde_json::Value, name: &str| -> (String, String) {
        let f = rep["fichiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fichier"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} absent du rapport"));
        let code = rep["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| {
                d["emplacement"]["fichier"]
                    .as_str()
                    .unwrap()
                    .ends_with(name)
            })
            .map(|d| d["code"].as_str().unwrap().to_string())
            .unwrap_or_default();
        (f["statut"]["code"].as_str().unwrap().to_string(), code)
    };
    let mut differ = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let (cs, cc) = first(&cli_h, &name);
        let (ps, pc) = first(&page_h, &name);
        let both_stopped =
            cs == "rejete" && ps == "rejete" && (cc == "CTG-E127" || pc == "CTG-E127");
        if (&cs, &cc) != (&ps, &pc) && !both_stopped {
            differ.push(format!(
                "{name} : ligne de commande {cs} {cc}, page {ps} {pc}"
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert_eq!(page_h["fichiers"].as_array().unwrap().len(), files.len());
}
