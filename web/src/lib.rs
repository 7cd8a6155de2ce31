//! ctg in the browser: the library compiled to WebAssembly, called by the page's Web Workers
//! (web/page/). Each function is one job of the command line, on bytes instead of paths;
//! reports follow the same JSON contract (docs/rapport-json.md) as `--format json`.
//!
//! What the command line gets from its platform is given here: the date (forms, convention)
//! comes from the page, files are read by the page, parallelism is the page's pool of
//! workers, and a file that crashes or exhausts memory costs only the worker that read it
//! (the page restarts it and rejects the file, as the command line's worker processes do).

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use ctg::ao::Basis;
use ctg::consolidate::{self, Extract, Settings};
use ctg::returns::{self, ReturnReport};
use ctg::{Ctg, Diagnostic, Location};
use wasm_bindgen::prelude::*;

/// Rust's allocator, with the size of the last request it could not meet: when a file asks
/// for more memory than the worker has, the page says so instead of «erreur interne».
struct Watched;

static REFUSED: AtomicU64 = AtomicU64::new(0);

unsafe impl std::alloc::GlobalAlloc for Watched {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { std::alloc::System.alloc(layout) };
        if p.is_null() {
            REFUSED.store(layout.size() as u64, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        let p = unsafe { std::alloc::System.realloc(ptr, layout, size) };
        if p.is_null() {
            REFUSED.store(size as u64, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Watched = Watched;

#[wasm_bindgen]
extern "C" {
    /// JavaScript's clock (std's panics in the browser), for the phases of a consolidation.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn clock_ms() -> f64;
}

thread_local! {
    /// Phases of the last consolidation (ms), for benchmarks (as `CTG_PHASES=1`).
    static PHASES: RefCell<Vec<(&'static str, f64)>> = const { RefCell::new(Vec::new()) };
    /// The reference CTG of the jobs that use one (set once per worker).
    static REFERENCE: RefCell<Option<Ctg>> = const { RefCell::new(None) };
    /// The last panic's message, for the page (a panic ends the worker).
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
    /// The warm-up's returns and extracts, between its steps.
    static WARM: RefCell<Warm> = RefCell::new(Warm::default());
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

/// Called once when a worker starts: keeps a panic's message for [`cause_interruption`].
#[wasm_bindgen]
pub fn demarrer() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        PANIC.with(|p| *p.borrow_mut() = msg);
    }));
}

/// Why the worker stopped, in French, once it has (the page asks after a crash): memory
/// refused, a panic, or nothing known.
#[wasm_bindgen]
pub fn cause_interruption() -> String {
    let refused = REFUSED.load(Ordering::Relaxed);
    if refused > 0 {
        return format!(
            "lecture interrompue : le fichier demande plus de mémoire que le navigateur n'en accorde (une demande de {} Mo refusée)",
            refused.div_ceil(1_048_576)
        );
    }
    let panic = PANIC.with(|p| p.borrow().clone());
    if panic.is_empty() {
        "lecture interrompue : le lecteur s'est arrêté sur ce fichier".into()
    } else {
        format!("lecture interrompue : erreur interne du lecteur ({panic})")
    }
}

/// Test hook of the page (`#essai-plantage=…`, `#essai-memoire=…`): a reader that crashes
/// or asks for more memory than a worker has, so that the tests can show that such a file
/// costs only its worker, whatever the pre-flight catches (as `CTG_TEST_LECTEUR_ABANDON`
/// does for the command line's workers).
#[wasm_bindgen]
pub fn essai_interruption(memoire: bool) {
    if memoire {
        let v: Vec<u8> = Vec::with_capacity(1536 << 20);
        std::hint::black_box(v);
    }
    panic!("arrêt simulé pour les tests");
}

/// Warms the worker up while the user chooses files, one short step at a time (the page
/// calls it until it says `false`, and stops as soon as real work comes): reads returns such
/// as partners send (the demo's generator: filled forms, some with mistakes, so that the
/// diagnostics are exercised too) and consolidates them, with and without a reference CTG.
/// The browser first runs WebAssembly with a quick baseline compiler and optimises a
/// function only once it has run enough; measured, the first 100 of a thousand returns took
/// twice as long as the rest, and the merge and workbook, run once per consolidation, ran
/// unoptimised. The code is shared by the page's workers, so each one's warm-up helps all.
#[wasm_bindgen]
pub fn echauffer(pas: u32) -> bool {
    const RETURNS: usize = 12;
    const STEPS: u32 = 120;
    WARM.with(|w| {
        let mut w = w.borrow_mut();
        let w = &mut *w;
        if w.sample.is_none() {
            w.sample = ctg::io::parse_model(
                include_str!("../../samples/ctg-pays-fouesnantais.json"),
                "exemple",
            )
            .ok();
        }
        let i = pas as usize;
        if w.returns.len() < RETURNS {
            // One return generated per step (the seed differs from the demo's).
            if let Ok(mut g) = returns::exemple::returns(1, 7_000 + pas as u64, 0.5) {
                w.returns.append(&mut g);
            }
            return pas < STEPS;
        }
        let reference = if (i / RETURNS).is_multiple_of(2) {
            w.sample.as_ref()
        } else {
            None
        };
        let g = &w.returns[i % w.returns.len()];
        let e =
            consolidate::extract_bytes(&g.file_name, &g.bytes, "", reference, Basis::Totale, true);
        w.extracts.push(serde_json::to_vec(&e).unwrap_or_default());
        if w.extracts.len() == RETURNS {
            let mut all = b"[".to_vec();
            all.extend_from_slice(&w.extracts.join(&b","[..]));
            all.push(b']');
            w.extracts.clear();
            if let Ok(c) = consolidate_json(&all, "[]", "{}", reference) {
                std::hint::black_box(c.classeur.len() + c.modele.len() + c.rapport.len());
            }
        }
        if pas + 1 >= STEPS {
            *w = Warm::default();
            return false;
        }
        true
    })
}

/// What the warm-up keeps between its steps.
#[derive(Default)]
struct Warm {
    sample: Option<Ctg>,
    returns: Vec<returns::exemple::Generated>,
    extracts: Vec<Vec<u8>>,
}

/// The version of ctg the page runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A CTG from a dropped file: its model JSON, or a workbook or Word document imported.
/// Returns the model as JSON; an error says why in French.
#[wasm_bindgen]
pub fn lire_ctg(nom: &str, octets: &[u8]) -> Result<String, JsError> {
    let ctg = read_ctg(nom, octets).map_err(|d| err(format!("{nom} : {}", d.message)))?;
    Ok(ctg::io::model_json(&ctg))
}

/// A CTG from its model JSON, or imported from a workbook or Word document; refused, the
/// diagnostic the command line gives for the same file.
fn read_ctg(name: &str, bytes: &[u8]) -> Result<Ctg, Diagnostic> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.trim_ascii_start().first() == Some(&b'{') {
        let refused = |e: ctg::Error| {
            e.to_diagnostic(name).unwrap_or_else(|| {
                Diagnostic::new(ctg::codes::Code::E100, Location::file(name), e.to_string())
            })
        };
        let text = std::str::from_utf8(body).map_err(|_| {
            Diagnostic::new(
                ctg::codes::Code::E100,
                Location::file(name),
                "ce n'est pas un texte UTF-8",
            )
        })?;
        return ctg::io::parse_model(text, name).map_err(refused);
    }
    let imported = ctg::import::import(bytes, name);
    match imported.model {
        Some(m) => Ok(m),
        None => Err(imported.diagnostics.into_iter().next().unwrap_or_else(|| {
            Diagnostic::new(
                ctg::codes::Code::E100,
                Location::file(name),
                "ce n'est pas une CTG lisible",
            )
        })),
    }
}

/// Sets the reference CTG (model JSON, or empty for none) of this worker's next jobs.
#[wasm_bindgen]
pub fn definir_ctg(modele_json: &str) -> Result<(), JsError> {
    let model = if modele_json.trim().is_empty() {
        None
    } else {
        Some(ctg::io::parse_model(modele_json, "CTG de référence").map_err(err)?)
    };
    REFERENCE.with(|r| *r.borrow_mut() = model);
    Ok(())
}

fn with_reference<T>(f: impl FnOnce(Option<&Ctg>) -> T) -> T {
    REFERENCE.with(|r| f(r.borrow().as_ref()))
}

/// `valider` on one file: its entry and diagnostics in the report contract, and whether an
/// annotated copy can be made.
#[derive(serde::Serialize)]
struct Validated<'a> {
    fichier: ctg::report::FichierRetour,
    diagnostics: &'a [Diagnostic],
    copie_possible: bool,
}

/// Validates one return (as `ctg valider --format json` does for one file).
#[wasm_bindgen]
pub fn valider(nom: &str, octets: &[u8]) -> String {
    let report = validate(nom, octets);
    json(&Validated {
        fichier: report.entry(),
        diagnostics: &report.diagnostics,
        copie_possible: report.readable(),
    })
}

fn validate(name: &str, bytes: &[u8]) -> ReturnReport {
    if let Some(r) = ctg::container::refuse_size(bytes.len() as u64) {
        return ReturnReport::failed(
            name,
            Diagnostic::new(r.code, Location::file(name), r.message),
        );
    }
    with_reference(|c| returns::validate(bytes, name, c, Basis::Totale))
}

/// The phases of the last consolidation in this worker: `[[name, ms since start], …]`.
#[wasm_bindgen]
pub fn phases() -> String {
    PHASES.with(|p| json(&*p.borrow()))
}

/// The annotated copy of a return (the partner's own file with its anomalies marked).
#[wasm_bindgen]
pub struct Copie {
    octets: Vec<u8>,
    extension: String,
    remarque: String,
}

#[wasm_bindgen]
impl Copie {
    #[wasm_bindgen(getter)]
    pub fn octets(&self) -> Vec<u8> {
        self.octets.clone()
    }
    /// `xlsx`, `xlsm` or `ods`: the format of the copy.
    #[wasm_bindgen(getter)]
    pub fn extension(&self) -> String {
        self.extension.clone()
    }
    /// Why the copy was rebuilt from the form rather than made from the partner's file.
    #[wasm_bindgen(getter)]
    pub fn remarque(&self) -> String {
        self.remarque.clone()
    }
}

/// The annotated copy of one return, as `ctg valider --annoter` writes it.
#[wasm_bindgen]
pub fn copie_annotee(nom: &str, octets: &[u8]) -> Result<Copie, JsError> {
    let report = validate(nom, octets);
    let (bytes, ext, note) = returns::annotated_copy(&report, octets).map_err(err)?;
    Ok(Copie {
        octets: bytes,
        extension: ext.to_string(),
        remarque: note.unwrap_or_default(),
    })
}

/// One return read for a consolidation: what the merge needs of it, as JSON bytes (the same
/// answer as the command line's worker processes give), and whether its saving date is
/// still to be given. Bytes rather than a string: a thousand of them go to the page and back
/// to the worker that merges them, without being decoded and encoded again on the way.
#[wasm_bindgen]
pub struct Extrait {
    octets: Vec<u8>,
    sans_date: bool,
}

#[wasm_bindgen]
impl Extrait {
    /// The extract (JSON, UTF-8); taken once.
    #[wasm_bindgen(getter)]
    pub fn octets(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.octets)
    }
    /// The file carries no saving date of its own: its modification time decides, given to
    /// [`consolider`].
    #[wasm_bindgen(getter, js_name = sansDate)]
    pub fn sans_date(&self) -> bool {
        self.sans_date
    }
}

/// Reads one return for a consolidation. `modifie`: the file's modification time (ISO 8601),
/// used when the file does not carry its own saving date; empty when not known yet (the page
/// then gives it to [`consolider`] for the files that need it). `empreinte`: the file's
/// SHA-256 in hexadecimal when the worker got it from the browser (WebCrypto), else empty.
#[wasm_bindgen]
pub fn extraire(nom: &str, octets: &[u8], empreinte: &str, modifie: &str, modele: bool) -> Extrait {
    with_reference(|c| {
        let e = consolidate::extract_bytes_hashed(
            nom,
            octets,
            empreinte,
            modifie,
            c,
            Basis::Totale,
            modele,
        );
        Extrait {
            sans_date: e.lacks_date(),
            octets: serde_json::to_vec(&e).unwrap_or_else(|_| b"{}".to_vec()),
        }
    })
}

/// The extract of a file whose worker was stopped (crash, memory, time): rejected with the
/// cause, as the command line rejects a file whose worker process died (JSON bytes).
#[wasm_bindgen]
pub fn extrait_interrompu(nom: &str, cause: &str) -> Vec<u8> {
    serde_json::to_vec(&Extract::interrupted(nom, cause)).unwrap_or_else(|_| b"{}".to_vec())
}

/// A finished consolidation: the report, the workbook, the model, the Synthèse as shown.
#[wasm_bindgen]
pub struct Consolide {
    rapport: String,
    classeur: Vec<u8>,
    modele: String,
    synthese: String,
}

#[wasm_bindgen]
impl Consolide {
    /// The JSON report (as `ctg consolider --format json`).
    #[wasm_bindgen(getter)]
    pub fn rapport(&self) -> String {
        self.rapport.clone()
    }
    /// The consolidated workbook (.xlsx).
    #[wasm_bindgen(getter)]
    pub fn classeur(&self) -> Vec<u8> {
        self.classeur.clone()
    }
    /// The consolidated model (JSON).
    #[wasm_bindgen(getter)]
    pub fn modele(&self) -> String {
        self.modele.clone()
    }
    /// The «Synthèse» sheet of the workbook, read back: rows of cell texts (JSON).
    #[wasm_bindgen(getter)]
    pub fn synthese(&self) -> String {
        self.synthese.clone()
    }
}

/// Merges the extracts of [`extraire`] (a JSON array of them, in any order, as bytes) into the
/// consolidated workbook and model, as `ctg consolider -o consolide.xlsx --modele
/// consolide.json` does. `ignores`: files the page did not read (JSON array of `[name, why]`);
/// `dates`: the modification times of the files whose extract [lacks a
/// date](Extract::lacks_date) (JSON object, name → ISO 8601).
#[wasm_bindgen]
pub fn consolider(
    extraits_json: &[u8],
    ignores_json: &str,
    dates_json: &str,
) -> Result<Consolide, JsError> {
    with_reference(|reference| consolidate_json(extraits_json, ignores_json, dates_json, reference))
}

fn consolidate_json(
    extraits_json: &[u8],
    ignores_json: &str,
    dates_json: &str,
    reference: Option<&Ctg>,
) -> Result<Consolide, JsError> {
    let start = clock_ms();
    let phase =
        |name: &'static str| PHASES.with(|p| p.borrow_mut().push((name, clock_ms() - start)));
    PHASES.with(|p| p.borrow_mut().clear());
    let mut extracts: Vec<Extract> = serde_json::from_slice(extraits_json).map_err(err)?;
    let dates: std::collections::HashMap<String, String> =
        serde_json::from_str(dates_json).unwrap_or_default();
    for e in extracts.iter_mut().filter(|e| e.lacks_date()) {
        if let Some(d) = dates.get(e.file_name()) {
            e.set_file_date(d);
        }
    }
    phase("lecture des extraits");
    let ignored: Vec<(String, String)> = serde_json::from_str(ignores_json).unwrap_or_default();
    let settings = Settings {
        ctg: reference,
        priorite: None,
        basis: Basis::Totale,
        progress: &|| {},
        model: true,
    };
    let mut c = consolidate::combine(extracts, &settings);
    phase("fusion");
    for (name, why) in &ignored {
        c.skip(std::path::Path::new(name), why);
    }
    let model = std::mem::replace(&mut c.model, Ctg::empty());
    let classeur = consolidate::write::write(&c, reference).map_err(err)?;
    phase("classeur");
    let resultat = c.resultat("consolide.xlsx", Some("consolide.json"));
    let rapport = json(&ctg::report::Rapport::new(
        "consolider",
        c.files.clone(),
        &c.diagnostics,
        resultat,
    ));
    phase("rapport");
    let synthese = json(&sheet_text(&classeur, "Synthèse"));
    phase("synthèse relue");
    let modele = ctg::io::model_json(&model);
    phase("modèle");
    Ok(Consolide {
        rapport,
        classeur,
        modele,
        synthese,
    })
}

/// The cells of one sheet of a workbook, as text, row by row (trailing blanks dropped).
fn sheet_text(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let Ok(mut wb) = calamine::Xlsx::new(std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    let Ok(range) = wb.worksheet_range(sheet) else {
        return Vec::new();
    };
    range
        .rows()
        .map(|r| {
            let mut cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            cells
        })
        .collect()
}

/// The page's Caf profile (the `ctg.toml` keys, as JSON); empty for none.
fn profile(json: &str) -> Result<ctg::profile::Profile, JsError> {
    if json.trim().is_empty() {
        return Ok(Default::default());
    }
    serde_json::from_str(json).map_err(|e| err(format!("profil de la Caf illisible : {e}")))
}

fn date(iso: &str) -> Result<chrono::NaiveDate, JsError> {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").map_err(|_| {
        err(format!(
            "date « {iso} » invalide (forme attendue : 2026-05-04)"
        ))
    })
}

/// The forms of a CTG, as a zip (as `ctg formulaires` writes them in a folder). `date`:
/// today's date in the page (ISO); `trimestre` (2026-T2) and `date_limite_iso` empty for the
/// quarter of the date and the profile's delay; contact from the Caf profile.
#[wasm_bindgen]
pub fn formulaires(
    modele_json: &str,
    date_iso: &str,
    trimestre: &str,
    date_limite_iso: &str,
    profil_json: &str,
) -> Result<Vec<u8>, JsError> {
    let ctg = ctg::io::parse_model(modele_json, "CTG").map_err(err)?;
    let profile = profile(profil_json)?;
    let date = date(date_iso)?;
    // As `ctg formulaires --trimestre --date-limite`: given, they win over the quarter of the
    // date and the profile's delay.
    let trimestre = match trimestre.trim() {
        "" => returns::forms::quarter_for(&ctg, date),
        t => ctg::fr::Quarter::parse_lenient(t)
            .map(|q| q.to_string())
            .ok_or_else(|| {
                err(format!(
                    "trimestre « {t} » invalide (forme attendue : 2026-T2)"
                ))
            })?,
    };
    let deadline = match date_limite_iso.trim() {
        "" => profile.deadline(date).unwrap_or_default(),
        d => ctg::fr::date(self::date(d)?),
    };
    let settings = returns::forms::FormSettings {
        date,
        trimestre,
        deadline,
        contact: profile.contact.clone(),
    };
    let forms = returns::forms::all_forms(&ctg, &settings).map_err(err)?;
    let mut z = Archive::new();
    for f in &forms {
        z.ajouter(&f.file_name, &f.bytes)?;
    }
    z.terminer()
}

/// The convention ready to sign (DOCX), as `ctg convention` writes it; the Caf profile fills
/// what the CTG leaves blank, and its logo (if any) goes on the cover.
#[wasm_bindgen]
pub fn convention(
    modele_json: &str,
    profil_json: &str,
    logo_nom: &str,
    logo: &[u8],
) -> Result<Vec<u8>, JsError> {
    let mut ctg = ctg::io::parse_model(modele_json, "CTG").map_err(err)?;
    profile(profil_json)?.fill_caf(&mut ctg);
    let logos = if logo.is_empty() {
        Vec::new()
    } else {
        vec![(logo_nom.to_string(), logo.to_vec())]
    };
    let opts = ctg::convention::Options {
        text: ctg::convention::DEFAULT_TEXT,
        logos,
        date: ctg::convention::document_date(&ctg, None),
        toc_pages: Vec::new(),
    };
    ctg::convention::build(&ctg, &opts).map_err(err)
}

/// An import: the model (empty when refused) and the report.
#[wasm_bindgen]
pub struct Importe {
    modele: String,
    rapport: String,
}

#[wasm_bindgen]
impl Importe {
    /// The model as JSON; empty when the file was refused.
    #[wasm_bindgen(getter)]
    pub fn modele(&self) -> String {
        self.modele.clone()
    }
    /// The JSON report (as `ctg importer --format json`).
    #[wasm_bindgen(getter)]
    pub fn rapport(&self) -> String {
        self.rapport.clone()
    }
}

/// A Word CTG or a workbook → the model, with the import report.
#[wasm_bindgen]
pub fn importer(nom: &str, octets: &[u8]) -> Importe {
    let imported = match ctg::container::refuse_size(octets.len() as u64) {
        Some(r) => {
            ctg::import::Imported::refused(Diagnostic::new(r.code, Location::file(nom), r.message))
        }
        None => ctg::import::import(octets, nom),
    };
    let counts = ctg::diagnostic::Counts::of(&imported.diagnostics);
    let statut = if imported.model.is_some() {
        ctg::report::Statut::of_counts(&counts)
    } else {
        ctg::report::Statut::Rejete
    };
    let fichier = ctg::report::Fichier {
        fichier: nom.to_string(),
        statut,
        lignes: None,
        compteurs: counts,
    };
    let resultat = if imported.model.is_some() {
        imported.resultat("ctg.json")
    } else {
        serde_json::Value::Null
    };
    let rapport = json(&ctg::report::Rapport::new(
        "importer",
        vec![fichier],
        &imported.diagnostics,
        resultat,
    ));
    Importe {
        modele: imported
            .model
            .as_ref()
            .map(ctg::io::model_json)
            .unwrap_or_default(),
        rapport,
    }
}

/// The verifier's report of a CTG (as `ctg verifier --format json`), and its text.
#[wasm_bindgen]
pub fn verifier(nom: &str, octets: &[u8]) -> String {
    let (fichier, diagnostics, resultat) = match read_ctg(nom, octets) {
        Ok(ctg) => {
            let report = ctg::rules::verify(&ctg, Basis::Totale);
            let c = ctg::diagnostic::Counts::of(&report.diagnostics);
            let fichier = ctg::report::Fichier {
                fichier: nom.to_string(),
                statut: ctg::report::Statut::of_counts(&c),
                lignes: None,
                compteurs: c,
            };
            let summary = serde_json::to_value(&report.summary).unwrap_or_default();
            (fichier, report.diagnostics, summary)
        }
        Err(d) => {
            let diags = vec![d];
            let fichier = ctg::report::Fichier {
                fichier: nom.to_string(),
                statut: ctg::report::Statut::Rejete,
                lignes: None,
                compteurs: ctg::diagnostic::Counts::of(&diags),
            };
            (fichier, diags, serde_json::Value::Null)
        }
    };
    json(&ctg::report::Rapport::new(
        "verifier",
        vec![fichier],
        &diagnostics,
        resultat,
    ))
}

/// A zip built in the page (annotated copies, forms): names and bytes in, one .zip out.
#[wasm_bindgen]
pub struct Archive {
    zip: Option<zip::ZipWriter<std::io::Cursor<Vec<u8>>>>,
}

impl Default for Archive {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen]
impl Archive {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Archive {
        Archive {
            zip: Some(zip::ZipWriter::new(std::io::Cursor::new(Vec::new()))),
        }
    }

    pub fn ajouter(&mut self, nom: &str, octets: &[u8]) -> Result<(), JsError> {
        let z = self
            .zip
            .as_mut()
            .ok_or_else(|| err("archive déjà terminée"))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file(nom, options).map_err(err)?;
        z.write_all(octets).map_err(err)
    }

    pub fn terminer(&mut self) -> Result<Vec<u8>, JsError> {
        let z = self
            .zip
            .take()
            .ok_or_else(|| err("archive déjà terminée"))?;
        Ok(z.finish().map_err(err)?.into_inner())
    }
}
