//! Reading and writing the JSON model; atomic output files.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Ctg, MODEL_VERSION};

/// Parses a model, reporting JSON errors with line and column, and refusing a version
/// this build does not know.
pub fn parse_model(text: &str, name: &str) -> Result<Ctg> {
    let json_err = |e: serde_json::Error| Error::Json {
        name: name.to_string(),
        line: e.line(),
        column: e.column(),
        message: translate(&e.to_string()),
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(json_err)?;
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
            });
        }
    }
    // Re-parse from text (not from `value`) so that field errors keep their line and column.
    serde_json::from_str(text).map_err(json_err)
}

/// serde's messages, with their most common phrases in French.
pub fn translate(msg: &str) -> String {
    let msg = msg.split(" at line ").next().unwrap_or(msg);
    msg.replace("unknown field", "champ inconnu")
        .replace("missing field", "champ manquant")
        .replace("unknown variant", "valeur inconnue")
        .replace("expected one of", "valeurs possibles :")
        .replace("invalid type", "type invalide")
        .replace("expected", "attendu")
        .replace("EOF while parsing", "fin de fichier inattendue dans")
        .replace("trailing characters", "caractères en trop après le JSON")
        .replace("key must be a string", "une clé doit être une chaîne")
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
