//! ctg: the toolkit of Conventions territoriales globales (CTG) between a Caf and
//! communes / EPCI. One canonical model (`model`), converted to and from every format.
//!
//! See ARCHITECTURE.md for the map of modules and the path data takes.

// A file refused as a whole is reported as its `Diagnostic` (one per file, never in a loop):
// boxing it would only add noise at every reader.
#![allow(clippy::result_large_err)]

pub mod ao;
pub mod codes;
pub mod consolidate;
pub mod container;
pub mod convention;
pub mod diagnostic;
pub mod docx;
pub mod error;
pub mod fr;
pub mod guard;
pub mod import;
pub mod init;
pub mod io;
#[cfg(not(target_arch = "wasm32"))]
pub mod isolation;
pub mod model;
pub mod profile;
pub mod referentials;
pub mod render;
pub mod report;
pub mod returns;
pub mod rules;
pub mod schema;
pub mod territory;
pub mod workbook;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use error::{Error, Result};
pub use model::Ctg;
