//! Reading and writing the JSON model; atomic output files.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Ctg, MODEL_VERSION};

/// Parses a model, reporting JSON errors with line and column (and, for a value of the wrong
/// kind, the field's JSON pointer and what was written there), and refusing a version this
/// build does not know.
pub fn parse_model(text: &str, name: &str) -> Result<Ctg> {
    let syntax = |e: serde_json::Error| Error::Json {
        name: name.to_string(),
        line: e.line(),
        column: e.column(),
        message: translate(&e.to_string()),
        pointer: None,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(syntax)?;
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == MODEL_VERSION as u64 => {}
        Some(v) => {
            return Err(Error::Version {
                name: name.into(),
                found: v,
                supported: MODEL_VERSION,
            });
        }
        None => {
            return Err(Error::Json {
                name: name.into(),
                line: 1,
                column: 1,
                message: "champ « version » absent ou non numérique".into(),
                pointer: None,
            });
        }
    }
    // Re-parse from text (not from `value`) so that field errors keep their line and column;
    // the path of the field comes with them.
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .map(|seg| {
                use serde_path_to_error::Segment;
                match seg {
                    Segment::Seq { index } => format!("/{index}"),
                    Segment::Map { key } => format!("/{key}"),
                    Segment::Enum { variant } => format!("/{variant}"),
                    Segment::Unknown => "/?".to_string(),
                }
            })
            .collect();
        let raw = value
            .pointer(&pointer)
            .filter(|v| !v.is_object() && !v.is_array());
        let inner = e.into_inner();
        let mut message = translate(&inner.to_string());
        if let Some(hint) = raw.and_then(|v| hint_for(&pointer, v, &message)) {
            message = hint;
        }
        Error::Json {
            name: name.to_string(),
            line: inner.line(),
            column: inner.column(),
            message,
            pointer: Some(pointer).filter(|p| !p.is_empty()),
        }
    })
}

/// A clearer message for the usual mistakes of a hand-edited model: a date not written
/// AAAA-MM-JJ, a number between quotes.
fn hint_for(pointer: &str, raw: &serde_json::Value, message: &str) -> Option<String> {
    let shown = match raw {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if message.starts_with("date invalide") {
        return Some(format!(
            "« {shown} » n'est pas une date écrite AAAA-MM-JJ (par exemple 2026-01-01)"
        ));
    }
    if let serde_json::Value::String(s) = raw
        && message.contains("nombre")
        && s.trim().replace(',', ".").parse::<f64>().is_ok()
    {
        let field = pointer.rsplit('/').next().unwrap_or_default();
        return Some(format!(
            "« {field} » est un nombre : écrivez-le sans guillemets ({}) et non « \"{s}\" »",
            s.trim().replace(',', ".")
        ));
    }
    None
}

/// serde_json's and serde's messages in French: syntax errors say what is missing, field
/// errors say what was found and what was expected, in words rather than Rust types.
pub fn translate(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg).trim();
    let syntax: &[(&str, &str)] = &[
        (
            "EOF while parsing a value",
            "le fichier s'arrête avant la fin d'une valeur (fichier tronqué ?)",
        ),
        (
            "EOF while parsing a list",
            "le fichier s'arrête au milieu d'une liste : il manque « ] »",
        ),
        (
            "EOF while parsing an object",
            "le fichier s'arrête au milieu d'un objet : il manque « } »",
        ),
        (
            "EOF while parsing a string",
            "le fichier s'arrête au milieu d'un texte : il manque le guillemet fermant",
        ),
        (
            "EOF while parsing",
            "le fichier s'arrête trop tôt (fichier tronqué ?)",
        ),
        (
            "expected value",
            "une valeur est attendue ici : un texte entre guillemets, un nombre, true, false, null, une liste [ … ] ou un objet { … }",
        ),
        (
            "expected `,` or `]`",
            "« , » ou « ] » est attendu ici (virgule oubliée entre deux éléments ?)",
        ),
        (
            "expected `,` or `}`",
            "« , » ou « } » est attendu ici (virgule oubliée entre deux champs ?)",
        ),
        ("expected `:`", "« : » est attendu après le nom du champ"),
        (
            "expected ident",
            "mot inconnu : seuls true, false et null s'écrivent sans guillemets",
        ),
        (
            "key must be a string",
            "le nom d'un champ s'écrit entre guillemets",
        ),
        (
            "trailing characters",
            "caractères en trop après la fin du JSON",
        ),
        ("trailing comma", "virgule en trop avant « ] » ou « } »"),
        (
            "invalid escape",
            "« \\ » suivi d'un caractère non prévu (écrivez « \\\\ » pour une barre oblique inverse)",
        ),
        (
            "invalid number",
            "nombre mal écrit (le séparateur décimal est le point : 12.5)",
        ),
        ("number out of range", "nombre trop grand"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "retour à la ligne ou tabulation dans un texte : écrivez \\n ou \\t",
        ),
        (
            "recursion limit exceeded",
            "objets et listes imbriqués trop profondément",
        ),
        ("invalid unicode code point", "séquence \\u invalide"),
        (
            "lone leading surrogate in hex escape",
            "séquence \\u invalide",
        ),
        ("unexpected end of hex escape", "séquence \\u incomplète"),
    ];
    for (en, fr) in syntax {
        if msg.starts_with(en) {
            return (*fr).to_string();
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return match rest.split_once(", expected ") {
            Some((found, wanted)) => format!(
                "type invalide : {} là où {} est attendu",
                unexpected(found),
                expected(wanted)
            ),
            None => format!("type invalide : {rest}"),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        return match rest.split_once(", expected ") {
            Some((found, wanted)) => format!(
                "valeur invalide : {} là où {} est attendu",
                unexpected(found),
                expected(wanted)
            ),
            None => format!("valeur invalide : {rest}"),
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid length ") {
        return match rest.split_once(", expected ") {
            Some((n, wanted)) => format!("{n} éléments là où {} est attendu", expected(wanted)),
            None => format!("longueur invalide : {rest}"),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, wanted) = rest.split_once(", ").unwrap_or((rest, ""));
        let choices = one_of(wanted);
        return if choices.is_empty() {
            format!("champ inconnu « {} »", unquote(field))
        } else {
            format!(
                "champ inconnu « {} » (champs possibles : {choices})",
                unquote(field)
            )
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (value, wanted) = rest.split_once(", ").unwrap_or((rest, ""));
        return format!(
            "valeur inconnue « {} » (valeurs possibles : {})",
            unquote(value),
            one_of(wanted)
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("champ obligatoire « {} » absent", unquote(rest));
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return format!("champ « {} » écrit deux fois", unquote(rest));
    }
    // chrono's messages, for dates.
    if [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
    ]
    .contains(&msg)
    {
        return "date invalide : une date s'écrit AAAA-MM-JJ (par exemple 2026-01-01)".into();
    }
    msg.to_string()
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('`').to_string()
}

/// serde's list of choices (`` expected one of `a`, `b` `` / `` expected `a` or `b` ``) in French.
fn one_of(wanted: &str) -> String {
    let w = wanted
        .trim()
        .trim_start_matches("expected one of ")
        .trim_start_matches("expected ");
    if w.starts_with("there are no") {
        return String::new();
    }
    w.replace(" or ", ", ")
        .split(", ")
        .map(unquote)
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What was found, as serde names it (`string "3957"`, `integer `5``…), in French.
fn unexpected(found: &str) -> String {
    let found = found.trim();
    if let Some(s) = found.strip_prefix("string ") {
        return format!("le texte « {} »", s.trim_matches('"'));
    }
    for (en, fr) in [
        ("integer ", "le nombre entier "),
        ("floating point ", "le nombre "),
        ("boolean ", "la valeur "),
        ("character ", "le caractère "),
    ] {
        if let Some(v) = found.strip_prefix(en) {
            return format!("{fr}{}", unquote(v));
        }
    }
    match found {
        "null" => "null (valeur vide)".into(),
        "map" => "un objet { … }".into(),
        "sequence" => "une liste [ … ]".into(),
        "unit" | "unit value" => "une valeur vide".into(),
        other => format!("« {other} »"),
    }
}

/// What was expected, as serde names it (`u32`, `a string`, `struct Commune`…), in French.
fn expected(wanted: &str) -> String {
    let w = wanted.trim();
    match w {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            "un nombre entier positif (sans guillemets)".into()
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            "un nombre entier (sans guillemets)".into()
        }
        "f32" | "f64" => "un nombre (sans guillemets, décimales après un point)".into(),
        "a string" | "string" => "un texte entre guillemets".into(),
        "a boolean" | "bool" => "true ou false".into(),
        "a sequence" => "une liste [ … ]".into(),
        "a map" => "un objet { … }".into(),
        "a borrowed string" => "un texte entre guillemets".into(),
        _ if w.starts_with("struct ") || w.starts_with("a map") => "un objet { … }".into(),
        _ if w.starts_with("a sequence") || w.starts_with("tuple") => "une liste [ … ]".into(),
        _ if w.starts_with("enum ") || w.starts_with("variant ") => {
            "une des valeurs prévues".into()
        }
        _ if w.starts_with("one of ") || w.starts_with('`') => {
            format!("une des valeurs {}", one_of(w))
        }
        _ if w.contains("date") => "une date AAAA-MM-JJ".into(),
        other => format!("« {other} »"),
    }
}

pub fn read_model(path: &Path) -> Result<Ctg> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Invalid(format!(
            "{} : le fichier n'est pas en UTF-8 (octet {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse_model(
        text.trim_start_matches('\u{feff}'),
        &path.display().to_string(),
    )
}

/// The model as pretty JSON with a final newline (stable: field order is the struct's).
pub fn model_json(ctg: &Ctg) -> String {
    let mut s = serde_json::to_string_pretty(ctg).expect("the model always serialises");
    s.push('\n');
    s
}

/// The one rule for outputs: an existing file is replaced only with `--force`.
pub fn check_new(path: &Path, force: bool) -> Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Invalid(format!(
            "{} existe déjà : ajoutez --force pour le remplacer",
            path.display()
        )));
    }
    Ok(())
}

/// [`check_new`] then [`write_atomic`].
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    check_new(path, force)?;
    write_atomic(path, bytes)
}

/// Writes to a temporary file in the same folder, then renames: readers never see half a file.
/// The file gets the permissions the umask gives (a colleague can read it), not 0600.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_all(&[(path, bytes)])
}

/// What writes one output into its (temporary) file.
pub type Writer<'a> = Box<dyn FnOnce(&mut std::fs::File) -> std::io::Result<()> + Send + 'a>;

/// [`write_atomic_all`] with each output written by a function straight into its temporary
/// file, so a large output never needs a copy in memory. The outputs are written at the same
/// time, each by its own thread (a national consolidation writes its model while it builds
/// its workbook); none is renamed into place before all are written.
pub fn write_atomic_with(outputs: Vec<(&Path, Writer<'_>)>) -> Result<()> {
    let mut temps = Vec::with_capacity(outputs.len());
    let mut writers = Vec::with_capacity(outputs.len());
    for (path, write) in outputs {
        temps.push((path, Temp::beside(path)?));
        writers.push(write);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let paths: Vec<&Path> = temps.iter().map(|(p, _)| *p).collect();
    let run = |(path, tmp): &mut (&Path, Temp), write: Writer<'_>| {
        write(&mut tmp.file)
            .and_then(|_| tmp.file.flush())
            .map_err(|source| Error::Write {
                path: (*path).into(),
                source,
            })
    };
    #[cfg(not(target_arch = "wasm32"))]
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = temps
            .iter_mut()
            .zip(writers)
            .map(|(t, w)| scope.spawn(move || run(t, w)))
            .collect();
        handles
            .into_iter()
            .zip(&paths)
            .map(|(h, path)| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::Invalid(format!(
                        "l'écriture de {} s'est arrêtée sur une erreur interne : le fichier n'a pas été remplacé",
                        path.display()
                    )))
                })
            })
            .collect()
    });
    // No threads in the browser.
    #[cfg(target_arch = "wasm32")]
    let results: Vec<Result<()>> = temps
        .iter_mut()
        .zip(writers)
        .map(|(t, w)| run(t, w))
        .collect();
    results.into_iter().collect::<Result<Vec<()>>>()?;
    persist_all(temps)
}

/// Writes several outputs of one run: every file is written to its temporary first, and only
/// then are they renamed, one right after the other, so a failure while writing leaves every
/// old file in place. Temporary files are removed on SIGINT and SIGTERM (see
/// [`cleanup::install`]).
pub fn write_atomic_all(outputs: &[(&Path, &[u8])]) -> Result<()> {
    let mut temps = Vec::with_capacity(outputs.len());
    for (path, bytes) in outputs {
        let mut tmp = Temp::beside(path)?;
        tmp.file
            .write_all(bytes)
            .and_then(|_| tmp.file.flush())
            .map_err(|source| Error::Write {
                path: path.to_path_buf(),
                source,
            })?;
        temps.push((*path, tmp));
    }
    persist_all(temps)
}

fn persist_all(temps: Vec<(&Path, Temp)>) -> Result<()> {
    for (path, tmp) in temps {
        tmp.persist(path).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// True when two file names name one file on this system: Windows ignores case in file
/// names (`Fouesnant.xlsx` and `fouesnant.XLSX` are one file there), Linux does not.
pub fn same_name(a: &std::ffi::OsStr, b: &std::ffi::OsStr) -> bool {
    names_equal(a, b, cfg!(windows))
}

fn names_equal(a: &std::ffi::OsStr, b: &std::ffi::OsStr, fold_case: bool) -> bool {
    a == b
        || (fold_case && a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase())
}

/// A temporary file beside an output. Its name is registered for removal on SIGINT and
/// SIGTERM *before* the file is created, so that no signal can leave it behind; it is removed
/// when dropped unless renamed into place.
struct Temp {
    path: std::path::PathBuf,
    file: std::fs::File,
    slot: Option<usize>,
    persisted: bool,
}

impl Temp {
    fn beside(dest: &Path) -> Result<Temp> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let werr = |source| Error::Write {
            path: dest.into(),
            source,
        };
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(werr)?;
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".ctg-{}-{n}.tmp", std::process::id()));
            // Windows: Ctrl+C's handler runs on its own thread while this one goes on; noted
            // and created under the lock it takes for good, the file is either not created at
            // all or created and then removed by it (it was removed before being created, then
            // created and left: seen once under Wine).
            #[cfg(windows)]
            let _creating = cleanup::critical();
            let slot = cleanup::remember(&path);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                // open(2) applies the umask to this mode, as for any file a program creates.
                options.mode(0o666);
            }
            match options.open(&path) {
                Ok(file) => {
                    return Ok(Temp {
                        path,
                        file,
                        slot,
                        persisted: false,
                    });
                }
                Err(e) => {
                    cleanup::forget(slot);
                    if e.kind() != std::io::ErrorKind::AlreadyExists {
                        return Err(werr(e));
                    }
                }
            }
        }
    }

    fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, dest)?;
        self.persisted = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = std::fs::remove_file(&self.path);
        }
        cleanup::forget(self.slot);
    }
}

/// Temporary files to remove if the process is interrupted (SIGINT, SIGTERM; Ctrl+C or the
/// console window closed on Windows), kept in a fixed table of atomic pointers. On Unix the
/// signal handler only does async-signal-safe work (atomic loads, `unlink`, `_exit`); on
/// Windows the console handler runs on a thread of its own: it takes each entry out of the
/// table (so that no other thread frees it meanwhile), removes the file and ends the process.
pub mod cleanup {
    use std::path::Path;
    #[cfg(any(unix, windows))]
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// What the table holds: a C string for `unlink` on Unix, a path on Windows.
    #[cfg(unix)]
    type Entry = libc::c_char;
    #[cfg(windows)]
    type Entry = std::path::PathBuf;

    #[cfg(any(unix, windows))]
    const SLOTS: usize = 64;
    #[cfg(any(unix, windows))]
    static TEMPS: [AtomicPtr<Entry>; SLOTS] =
        [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];

    #[cfg(unix)]
    fn into_entry(path: &Path) -> Option<*mut Entry> {
        use std::os::unix::ffi::OsStrExt;
        Some(
            std::ffi::CString::new(path.as_os_str().as_bytes())
                .ok()?
                .into_raw(),
        )
    }

    #[cfg(windows)]
    fn into_entry(path: &Path) -> Option<*mut Entry> {
        Some(Box::into_raw(Box::new(path.to_path_buf())))
    }

    /// Frees an entry taken out of the table.
    ///
    /// SAFETY: `p` comes from `into_entry` and is owned by the caller (swapped out of the
    /// table, or never stored).
    #[cfg(any(unix, windows))]
    unsafe fn free_entry(p: *mut Entry) {
        #[cfg(unix)]
        drop(unsafe { std::ffi::CString::from_raw(p) });
        #[cfg(windows)]
        drop(unsafe { Box::from_raw(p) });
    }

    /// Notes a temporary file; `None` when the table is full (the file is then only removed
    /// by a normal drop).
    pub fn remember(path: &Path) -> Option<usize> {
        #[cfg(any(unix, windows))]
        {
            let p = into_entry(path)?;
            for (i, slot) in TEMPS.iter().enumerate() {
                if slot
                    .compare_exchange(std::ptr::null_mut(), p, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    return Some(i);
                }
            }
            // SAFETY: `p` came from `into_entry` just above and was not stored.
            unsafe { free_entry(p) };
            None
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = path;
            None
        }
    }

    /// The temporary file was renamed or removed.
    pub fn forget(slot: Option<usize>) {
        #[cfg(any(unix, windows))]
        if let Some(i) = slot {
            let p = TEMPS[i].swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: every stored pointer comes from `into_entry`; swapped out, it is ours.
                unsafe { free_entry(p) };
            }
        }
        #[cfg(not(any(unix, windows)))]
        let _ = slot;
    }

    /// Windows: held while something must not be cut in the middle by the end of the process
    /// (a worker started and not yet in its Job Object): the console handler takes it, for
    /// good, before it ends the process.
    #[cfg(windows)]
    static CRITICAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[cfg(windows)]
    pub fn critical() -> std::sync::MutexGuard<'static, ()> {
        CRITICAL.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(unix)]
    extern "C" fn on_signal(sig: libc::c_int) {
        for slot in &TEMPS {
            let p = slot.load(Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: a NUL-terminated path owned by the table; unlink is async-signal-safe.
                unsafe { libc::unlink(p) };
            }
        }
        // SAFETY: _exit is async-signal-safe; 128 + signal is the shell's convention.
        unsafe { libc::_exit(128 + sig) };
    }

    /// The console control handler (Ctrl+C, Ctrl+Break, window closed), on a thread the
    /// system starts. It waits until no worker is being started (a started worker is then in
    /// the Job Object that ends the workers with this process); takes each temporary file out
    /// of the table before removing it, so that the thread that wrote it cannot free the entry
    /// meanwhile (a file still open goes when the process ends: Rust opens files with
    /// `FILE_SHARE_DELETE`); then ends the process as Windows' own handler does, with
    /// `ExitProcess` (the other threads stopped first) and the status of Ctrl+C.
    #[cfg(windows)]
    unsafe extern "system" fn on_console_event(_event: u32) -> windows_sys::core::BOOL {
        std::mem::forget(critical());
        for slot in &TEMPS {
            let p = slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: stored by `remember`, and now out of the table: ours alone.
                let path = unsafe { Box::from_raw(p) };
                let _ = std::fs::remove_file(&*path);
            }
        }
        const STATUS_CONTROL_C_EXIT: u32 = 0xC000_013A;
        // SAFETY: ends this process; nothing of ctg runs after.
        unsafe { windows_sys::Win32::System::Threading::ExitProcess(STATUS_CONTROL_C_EXIT) }
    }

    /// Removes the temporary files of the run on SIGINT and SIGTERM (Ctrl+C and the like on
    /// Windows), then exits.
    pub fn install() {
        #[cfg(unix)]
        // SAFETY: the handler only uses async-signal-safe calls.
        unsafe {
            libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
            libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        }
        #[cfg(windows)]
        // SAFETY: registers a handler with the signature the system calls.
        unsafe {
            windows_sys::Win32::System::Console::SetConsoleCtrlHandler(Some(on_console_event), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_error_has_line_and_column() {
        let err = parse_model("{\n  \"version\": 1,\n  \"convention\": [\n", "x.json").unwrap_err();
        match err {
            Error::Json { line, .. } => assert!(line >= 3),
            e => panic!("{e}"),
        }
    }

    #[test]
    fn unknown_field_is_reported_in_french() {
        let err = parse_model(
            "{\"version\":1,\"convention\":{},\"territoire\":{},\"oups\":1}",
            "x.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("champ inconnu"), "{err}");
    }

    #[test]
    fn future_version_is_refused() {
        let err = parse_model("{\"version\":9}", "x.json").unwrap_err();
        assert!(matches!(err, Error::Version { found: 9, .. }));
    }

    #[test]
    fn file_names_ignore_case_where_the_system_does() {
        use std::ffi::OsStr;
        let (a, b) = (
            OsStr::new("Fouesnant-Annoté.XLSX"),
            OsStr::new("fouesnant-annoté.xlsx"),
        );
        assert!(names_equal(a, b, true));
        assert!(!names_equal(a, b, false));
        assert!(names_equal(a, a, false));
        assert!(!names_equal(a, OsStr::new("fouesnant.xlsx"), true));
        assert_eq!(same_name(a, b), cfg!(windows));
    }

    #[test]
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
