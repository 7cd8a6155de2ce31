//! Readers of untrusted files may panic (calamine does on some corrupt .xls). Such a panic
//! is caught and the file refused with a French diagnostic; its English text must never reach
//! the terminal. `quietly` runs a reader with panics caught and silenced; the binary's panic
//! hook (`hook`) prints nothing for them, and a French line for any other panic.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// A reader panicked (and was stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// Runs `f`; a panic inside is returned as `Err(Panicked)`, without any text printed.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    QUIET.with(|q| q.set(q.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(q.get() - 1));
    r.map_err(|_| Panicked)
}

/// True while a reader runs under [`quietly`] on this thread.
pub fn is_quiet() -> bool {
    QUIET.with(|q| q.get() > 0)
}

/// The panic hook of the binary: silent inside [`quietly`], a French line elsewhere.
pub fn hook() {
    std::panic::set_hook(Box::new(|info| {
        if is_quiet() {
            return;
        }
        use std::io::Write;
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "erreur interne de ctg{place} : merci de signaler ce problème avec le fichier en cause"
        );
    }));
}
