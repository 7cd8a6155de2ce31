//! The library's error type: what stops a command from doing its job (exit code 2).
//! Problems found *in* the data are `Diagnostic`s, not errors.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("impossible de lire {path} : {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossible d'écrire {path} : {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{name} : JSON invalide ligne {line}, colonne {column} : {message}")]
    Json {
        name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{name} : version du modèle {found} non prise en charge (cette version de ctg lit la version {supported})"
    )]
    Version {
        name: String,
        found: u64,
        supported: u32,
    },
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;
