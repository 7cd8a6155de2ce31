//! The library's error type: what stops a command from doing its job (exit code 2).
//! Problems found *in* the data are `Diagnostic`s, not errors; a file refused as a whole is
//! both (`Error::Refused` carries its diagnostic, so every command reports it the same way).

use std::io::ErrorKind;
use std::path::PathBuf;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("impossible de lire {} : {}", path.display(), io_message(source))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossible d'écrire {} : {}", path.display(), io_message(source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{name} : JSON invalide ligne {line}, colonne {column}{} : {message}",
        at_pointer(pointer)
    )]
    Json {
        name: String,
        line: usize,
        column: usize,
        message: String,
        /// The JSON pointer of the field, for a value of the wrong kind.
        pointer: Option<String>,
    },
    #[error(
        "{name} : version du modèle {found} non prise en charge (cette version de ctg lit la version {supported})"
    )]
    Version {
        name: String,
        found: u64,
        supported: u32,
    },
    /// A file refused as a whole, with its diagnostic (code, location, message).
    #[error("{} : {} [{}]", .0.location, .0.message, .0.code)]
    Refused(Box<Diagnostic>),
    #[error("{0}")]
    Invalid(String),
    /// The reader of the output went away (`ctg schema | head -c1`): end quietly.
    #[error("la sortie a été fermée")]
    OutputClosed,
}

pub type Result<T> = std::result::Result<T, Error>;

/// A system error in French, without the English text of the operating system.
pub fn io_message(e: &std::io::Error) -> String {
    let s = match e.kind() {
        ErrorKind::NotFound => "fichier ou dossier introuvable",
        ErrorKind::PermissionDenied => "permission refusée",
        ErrorKind::AlreadyExists => "le fichier existe déjà",
        ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        ErrorKind::NotADirectory => "un élément du chemin n'est pas un dossier",
        ErrorKind::StorageFull => "plus de place sur le disque",
        ErrorKind::ReadOnlyFilesystem => "le disque est en lecture seule",
        ErrorKind::BrokenPipe => "la sortie a été fermée",
        ErrorKind::InvalidData => "données invalides",
        ErrorKind::UnexpectedEof => "fin de fichier inattendue",
        ErrorKind::OutOfMemory => "mémoire insuffisante",
        ErrorKind::TimedOut => "délai dépassé",
        ErrorKind::Interrupted => "opération interrompue",
        ErrorKind::FileTooLarge => "fichier trop volumineux",
        ErrorKind::InvalidFilename => "nom de fichier invalide",
        ErrorKind::CrossesDevices => "déplacement impossible entre deux disques",
        ErrorKind::ResourceBusy => "fichier occupé par un autre programme",
        ErrorKind::Unsupported => "opération non prise en charge",
        _ => {
            return match e.raw_os_error() {
                Some(n) => format!("erreur du système (code {n})"),
                None => "erreur d'entrée-sortie".into(),
            };
        }
    };
    s.to_string()
}

impl Error {
    /// The diagnostic of an error that concerns an input file, for reports: a refused file
    /// gives the same diagnostic from every command.
    pub fn to_diagnostic(&self, file: &str) -> Option<Diagnostic> {
        let at = || Location::file(file);
        Some(match self {
            Error::Refused(d) => (**d).clone(),
            Error::Read { source, .. } => Diagnostic::new(
                Code::E100,
                at(),
                format!("impossible de lire le fichier : {}", io_message(source)),
            ),
            Error::Json {
                line,
                column,
                message,
                pointer,
                ..
            } => Diagnostic::new(
                Code::E091,
                Location {
                    pointer: pointer.clone(),
                    ..at()
                },
                format!("JSON invalide ligne {line}, colonne {column} : {message}"),
            ),
            Error::Version { found, supported, .. } => Diagnostic::new(
                Code::E090,
                at(),
                format!("version du modèle {found} non prise en charge (cette version de ctg lit la version {supported})"),
            )
            .value(found),
            _ => return None,
        })
    }
}

/// « (champ /convention/periode/debut) » when the field is known.
fn at_pointer(pointer: &Option<String>) -> String {
    pointer
        .as_deref()
        .map(|p| format!(" (champ {p})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_errors_are_french() {
        let e = std::fs::read("/nonexistent/x.json").unwrap_err();
        let m = Error::Read {
            path: "/nonexistent/x.json".into(),
            source: e,
        }
        .to_string();
        assert_eq!(
            m,
            "impossible de lire /nonexistent/x.json : fichier ou dossier introuvable"
        );
        let e = std::io::Error::from_raw_os_error(28);
        assert_eq!(io_message(&e), "plus de place sur le disque");
    }
}
