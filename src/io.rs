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
    let werr = |source| Error::Write {
        path: path.into(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(werr)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ctg-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // open(2) applies the umask to this mode, as for any file a program creates.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(werr)?;
    tmp.write_all(bytes).map_err(werr)?;
    tmp.flush().map_err(werr)?;
    tmp.persist(path).map_err(|e| werr(e.error))?;
    Ok(())
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
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
