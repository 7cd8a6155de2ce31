//! Recognising an office file by its content, and the pre-flight checks that run before
//! any parser touches untrusted bytes: bounded sizes, compression ratio, sane containers,
//! encryption. Shared by the workbook and Word readers.

pub mod audit;
pub mod package;
mod sheet_scan;

pub use package::Package;

use crate::codes::Code;
use std::io::{Cursor, Read};

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Docx,
    /// Old binary Word (.doc).
    Doc,
}

impl Format {
    pub fn label(&self) -> &'static str {
        match self {
            Format::Xlsx => "classeur Excel (.xlsx/.xlsm)",
            Format::Xlsb => "classeur Excel binaire (.xlsb)",
            Format::Ods => "classeur OpenDocument (.ods)",
            Format::Xls => "classeur Excel 97-2003 (.xls)",
            Format::Docx => "document Word (.docx)",
            Format::Doc => "document Word 97-2003 (.doc)",
        }
    }

    pub fn is_spreadsheet(&self) -> bool {
        matches!(
            self,
            Format::Xlsx | Format::Xlsb | Format::Ods | Format::Xls
        )
    }
}

/// Limits of the pre-flight, generous for real returns, tight for bombs.
pub const MAX_FILE: u64 = 100 * 1024 * 1024;
pub const MAX_UNCOMPRESSED: u64 = 512 * 1024 * 1024;
pub const MAX_RATIO: u64 = 250;
pub const MAX_ENTRIES: usize = 20_000;

/// Why a file cannot be read, with its rule code and a French message.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: Code,
    pub message: String,
}

fn refuse(code: Code, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

pub const PASSWORD: &str =
    "fichier protégé par mot de passe : enregistrez-le sans mot de passe puis renvoyez-le";

/// Bytes as lowercase hexadecimal (digests shown to people and compared as text).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The local part of an XML name (`w:t` → `t`): readers match elements of any prefix, so
/// Strict Open XML and odd prefixes read the same.
pub fn xml_local<S: AsRef<[u8]> + ?Sized>(name: &S) -> &[u8] {
    let name = name.as_ref();
    match name.iter().rposition(|b| *b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value of an attribute, by its local name.
pub fn xml_attr(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| xml_local(a.key.as_ref()) == key)
        .map(|a| a.value.to_string())
}

/// A file too large to be read, refused before any byte is read.
pub fn refuse_size(len: u64) -> Option<Refusal> {
    (len > MAX_FILE).then(|| {
        refuse(
            Code::E102,
            format!(
                "fichier de {} Mo, au-delà de la limite de {} Mo",
                len / 1_048_576,
                MAX_FILE / 1_048_576
            ),
        )
    })
}

/// Reads an untrusted file: a regular file only (not a folder, a pipe or a device), its size
/// taken from the metadata before anything is read, and never more than the limit.
pub fn read_untrusted(path: &std::path::Path) -> Result<Vec<u8>, Refusal> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| {
        refuse(
            Code::E100,
            format!(
                "impossible de lire le fichier : {}",
                crate::error::io_message(&e)
            ),
        )
    })?;
    if meta.is_dir() {
        return Err(refuse(Code::E100, "c'est un dossier, pas un fichier"));
    }
    if !meta.is_file() {
        return Err(refuse(
            Code::E102,
            "ce n'est pas un fichier ordinaire (tube, périphérique…) : refusé sans être lu",
        ));
    }
    if let Some(r) = refuse_size(meta.len()) {
        return Err(r);
    }
    let f = std::fs::File::open(path).map_err(|e| {
        refuse(
            Code::E100,
            format!(
                "impossible de lire le fichier : {}",
                crate::error::io_message(&e)
            ),
        )
    })?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_FILE + 1).read_to_end(&mut bytes).map_err(|e| {
        refuse(
            Code::E100,
            format!(
                "impossible de lire le fichier : {}",
                crate::error::io_message(&e)
            ),
        )
    })?;
    Ok(bytes)
}

/// A part of a zip package as text, inflating at most `limit` bytes; `None` when the part is
/// absent or cannot be read as text.
pub fn zip_text<R: Read + std::io::Seek>(
    z: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Option<String> {
    let f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.take(limit).read_to_string(&mut s).ok()?;
    Some(s)
}

/// When the partner last saved the file, from its document properties: `dcterms:modified`
/// (`docProps/core.xml`, Excel) or `dc:date` (`meta.xml`, LibreOffice), as written (ISO 8601).
pub fn saved_date(bytes: &[u8]) -> Option<String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    saved_date_in(|part| zip_text(&mut z, part, 256 * 1024))
}

/// [`saved_date`] from the parts `text` gives.
pub(crate) fn saved_date_in(mut text: impl FnMut(&str) -> Option<String>) -> Option<String> {
    for (part, tags) in [
        (
            "docProps/core.xml",
            &["dcterms:modified", "dcterms:created"][..],
        ),
        ("meta.xml", &["dc:date", "meta:creation-date"][..]),
    ] {
        let s = text(part).unwrap_or_default();
        for t in tags {
            let open = format!("<{t}");
            if let Some(v) = s
                .split(&open)
                .nth(1)
                .and_then(|x| x.split_once('>'))
                .map(|x| x.1)
                .and_then(|x| x.split('<').next())
                .map(str::trim)
                .filter(|v| v.len() >= 10 && v.as_bytes()[4] == b'-')
            {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// Why a zip archive could not be read, in French (the zip crate's text is English).
pub fn zip_reason(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(io) => io_reason(io),
        Z::InvalidArchive(m) => {
            let m = m.to_lowercase();
            if m.contains("central directory") || m.contains("eocd") {
                "fin d'archive introuvable : fichier tronqué ou abîmé".into()
            } else if m.contains("duplicate") {
                "archive contenant deux éléments de même nom".into()
            } else {
                "archive ZIP invalide".into()
            }
        }
        Z::UnsupportedArchive(m)
            if m.to_lowercase().contains("password") || m.to_lowercase().contains("encrypt") =>
        {
            PASSWORD.into()
        }
        Z::UnsupportedArchive(_) => "archive ZIP d'un type non pris en charge".into(),
        Z::CompressionMethodNotSupported(n) => {
            format!("méthode de compression n° {n} inconnue : fichier abîmé ou piégé")
        }
        Z::FileNotFound => "élément introuvable dans l'archive".into(),
        Z::InvalidPassword => PASSWORD.into(),
        _ => "archive ZIP illisible".into(),
    }
}

/// A read error inside an archive or a container, in French.
pub fn io_reason(e: &std::io::Error) -> String {
    let m = e.to_string().to_lowercase();
    if m.contains("checksum") || m.contains("crc") {
        "somme de contrôle (CRC) incorrecte : fichier abîmé".into()
    } else if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "fin de fichier inattendue : fichier tronqué".into()
    } else if e.kind() == std::io::ErrorKind::InvalidData {
        "données compressées invalides : fichier abîmé".into()
    } else {
        crate::error::io_message(e)
    }
}

/// Recognises the format and checks the container. Returns the format when the bytes may
/// be handed to a parser.
pub fn sniff(bytes: &[u8]) -> Result<Format, Refusal> {
    sniff_with(bytes, false).0
}

/// [`sniff`], and for a zip package the audited [`Package`]: its parts read without
/// inflating them a second time (`None` for other files).
pub fn sniff_package(bytes: &[u8]) -> (Result<Format, Refusal>, Option<Package>) {
    sniff_with(bytes, true)
}

fn sniff_with(bytes: &[u8], keep: bool) -> (Result<Format, Refusal>, Option<Package>) {
    if (bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06"))
        && bytes.len() as u64 <= MAX_FILE
    {
        let mut package = None;
        let format = zip_format(bytes, keep.then_some(&mut package));
        return (format, package);
    }
    (sniff_other(bytes), None)
}

fn sniff_other(bytes: &[u8]) -> Result<Format, Refusal> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(refuse(
            Code::E102,
            format!(
                "fichier de {} Mo, au-delà de la limite de {} Mo",
                bytes.len() / 1_048_576,
                MAX_FILE / 1_048_576
            ),
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return ole_format(bytes);
    }
    if bytes.len() >= 4
        && bytes[0] == 0x09
        && matches!(bytes[1], 0x00 | 0x02 | 0x04)
        && bytes[3] == 0x00
        && matches!(bytes[2], 0x04 | 0x06)
    {
        return Err(refuse(
            Code::E100,
            "classeur Excel 2.x à 4.x (format de 1987-1992) non pris en charge : ouvrez-le et enregistrez-le en .xlsx",
        ));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    if head.contains("<?xml") && head.contains("opendocument") || head.contains("office:document") {
        return Err(refuse(
            Code::E100,
            "document OpenDocument « à plat » (.fods/.fodt) : enregistrez-le en .ods ou .xlsx",
        ));
    }
    if head.contains("<html") || head.contains("<table") {
        return Err(refuse(
            Code::E100,
            "page HTML enregistrée avec une extension de tableur : enregistrez-la en .xlsx",
        ));
    }
    if let Some(what) = sent_instead(bytes) {
        return Err(refuse(Code::E100, what));
    }
    Err(refuse(
        Code::E100,
        "format non reconnu : ni classeur (.xlsx, .xls, .ods), ni document Word (.docx)",
    ))
}

/// What is sent by mistake instead of a return or a Word CTG, named as what it is, with what
/// to do: the CTG's own JSON model, a report of ctg, a PDF print, a photo or scan of the form,
/// a CSV export of one sheet, an RTF document, an empty file.
fn sent_instead(bytes: &[u8]) -> Option<&'static str> {
    if bytes.is_empty() {
        return Some("fichier vide (0 octet) : demandez-en une nouvelle copie");
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = head.trim_ascii_start();
    if bytes.starts_with(b"{\\rtf") {
        return Some("document RTF : enregistrez-le en .docx, ou demandez le classeur rempli");
    }
    if text.starts_with(b"{") || text.starts_with(b"[") {
        let has = |k: &[u8]| memchr::memmem::find(text, k).is_some();
        return Some(if has(b"\"ctg-rapport\"") {
            "rapport de ctg (JSON), pas un retour : il décrit des fichiers déjà lus"
        } else if has(b"\"convention\"") || has(b"\"territoire\"") {
            "modèle de CTG (JSON), pas un retour : pour vérifier les retours contre lui, donnez-le comme CTG de référence (--ctg en ligne de commande, « CTG de référence » dans la page)"
        } else {
            "fichier JSON, pas un classeur : ctg lit les retours en .xlsx, .ods ou .xls"
        });
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(
            "document PDF : ctg lit le classeur rempli (.xlsx, .ods, .xls), pas son impression ; demandez au partenaire le fichier qu'il a rempli",
        );
    }
    let images: [&[u8]; 6] = [
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"GIF87a",
        b"GIF89a",
        b"II*\0",
        b"MM\0*",
    ];
    if images.iter().any(|m| bytes.starts_with(m)) {
        return Some(
            "image (photo ou scan du formulaire) : ctg lit le classeur rempli ; demandez au partenaire le fichier (.xlsx, .ods)",
        );
    }
    // A CSV export: text (no control character but line ends and tabs), several lines, the
    // first one cut by «;», «,» or a tab.
    let textual = head
        .iter()
        .all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'));
    let mut lines = head
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    let first = lines.next().unwrap_or_default();
    if textual && lines.next().is_some() && first.iter().any(|b| matches!(b, b';' | b',' | b'\t')) {
        return Some(
            "fichier texte (CSV) : il ne garde qu'une feuille du formulaire ; demandez au partenaire le classeur rempli (.xlsx, .ods)",
        );
    }
    None
}

fn zip_format(bytes: &[u8], package: Option<&mut Option<Package>>) -> Result<Format, Refusal> {
    let corrupt =
        |e: &dyn std::fmt::Display| refuse(Code::E100, format!("archive illisible : {e}"));
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&zip_reason(&e)))?;
    if z.len() > MAX_ENTRIES {
        return Err(refuse(
            Code::E102,
            format!("archive de {} éléments, au-delà de {MAX_ENTRIES}", z.len()),
        ));
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(|e| corrupt(&zip_reason(&e)))?;
        if f.encrypted() {
            return Err(refuse(Code::E101, PASSWORD));
        }
        let name = f
            .name()
            .map(|n| n.replace('\\', "/"))
            .unwrap_or_else(|_| format!("élément {i}"));
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 10 * 1024 * 1024 && size / packed > MAX_RATIO {
            return Err(refuse(
                Code::E102,
                format!(
                    "« {} » se décompresse {} fois : archive piégée refusée",
                    name,
                    size / packed
                ),
            ));
        }
        names.push(name);
    }
    if total > MAX_UNCOMPRESSED {
        return Err(refuse(
            Code::E102,
            format!(
                "{} Mo une fois décompressé, au-delà de {} Mo",
                total / 1_048_576,
                MAX_UNCOMPRESSED / 1_048_576
            ),
        ));
    }
    let kept = match package {
        Some(out) => &*out.insert(audit::zip_package(bytes)?),
        None => {
            audit::zip(bytes)?;
            &Package::default()
        }
    };
    // A small part as text: from the package when kept (already inflated), else inflated.
    let mut text = |name: &str, limit: usize| -> String {
        match kept.part(name) {
            Some(b) => String::from_utf8_lossy(&b[..b.len().min(limit)]).into_owned(),
            None => {
                let mut s = String::new();
                if let Ok(mut r) = z.by_name(name) {
                    let _ = r.by_ref().take(limit as u64).read_to_string(&mut s);
                }
                s
            }
        }
    };
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // The package relationships name the main part, whatever its file name.
    let rels = text("_rels/.rels", 64 * 1024);
    let main = office_document_target(&rels);
    if main.as_deref().is_some_and(|t| t.starts_with("word/")) {
        return Ok(Format::Docx);
    }
    if has("xl/workbook.xml")
        || main
            .as_deref()
            .is_some_and(|t| t.starts_with("xl/") && t.ends_with(".xml"))
    {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("word/document.xml") {
        Ok(Format::Docx)
    } else if has("content.xml") {
        let mime = text("mimetype", 200);
        if mime.contains("opendocument.text") {
            return Err(refuse(
                Code::E100,
                "document texte OpenDocument (.odt) : enregistrez-le en .docx",
            ));
        }
        Ok(Format::Ods)
    } else {
        Err(refuse(
            Code::E100,
            "archive zip qui n'est ni un classeur ni un document Word",
        ))
    }
}

/// Target of the officeDocument relationship in `_rels/.rels`, without a leading slash.
pub fn office_document_target(rels: &str) -> Option<String> {
    for part in rels.split("<Relationship").skip(1) {
        if !part.contains("/officeDocument\"") {
            continue;
        }
        let t = part.split("Target=\"").nth(1)?.split('"').next()?;
        return Some(t.trim_start_matches('/').to_string());
    }
    None
}

fn ole_format(bytes: &[u8]) -> Result<Format, Refusal> {
    // The header's FAT sector count must fit in the file (a lying count sends readers
    // allocating or looping).
    if bytes.len() >= 0x30 {
        let shift = u16::from_le_bytes([bytes[0x1E], bytes[0x1F]]);
        let fat = u32::from_le_bytes([bytes[0x2C], bytes[0x2D], bytes[0x2E], bytes[0x2F]]);
        let sector = if (7..=16).contains(&shift) {
            1u64 << shift
        } else {
            0
        };
        if sector == 0 || u64::from(fat) * sector > bytes.len() as u64 + sector {
            return Err(refuse(
                Code::E128,
                "en-tête de fichier Office 97-2003 incohérent (taille de secteur ou table d'allocation) : fichier abîmé ou falsifié",
            ));
        }
    }
    let cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        refuse(
            Code::E100,
            format!("fichier Office 97-2003 corrompu : {}", io_reason(&e)),
        )
    })?;
    let names: Vec<String> = cf.walk().map(|e| e.name().to_string()).collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptionInfo") || has("EncryptedPackage") {
        return Err(refuse(Code::E101, PASSWORD));
    }
    if has("WordDocument") {
        return Ok(Format::Doc);
    }
    let mut cf = cf;
    for stream in ["Workbook", "Book"] {
        let found = cf
            .walk()
            .find(|e| e.name().eq_ignore_ascii_case(stream))
            .map(|e| (e.path().to_path_buf(), e.len()));
        if let Some((path, len)) = found {
            if len > MAX_FILE * 4 || len > bytes.len() as u64 {
                return Err(refuse(
                    Code::E102,
                    "flux de classeur démesuré : fichier corrompu",
                ));
            }
            let mut data = Vec::with_capacity(len as usize);
            cf.open_stream(&path)
                .and_then(|s| s.take(len).read_to_end(&mut data))
                .map_err(|e| {
                    refuse(
                        Code::E100,
                        format!("fichier Office 97-2003 corrompu : {}", io_reason(&e)),
                    )
                })?;
            audit::biff(&data)?;
            return Ok(Format::Xls);
        }
    }
    Err(refuse(
        Code::E100,
        "fichier Office 97-2003 qui n'est ni un classeur ni un document Word",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn garbage_and_empty_are_refused() {
        assert_eq!(sniff(b"").unwrap_err().code, Code::E100);
        assert_eq!(sniff(b"hello, world").unwrap_err().code, Code::E100);
        assert_eq!(sniff(b"PK\x03\x04garbage").unwrap_err().code, Code::E100);
    }

    #[test]
    fn encrypted_office_files_are_refused_as_such() {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        cf.create_stream("EncryptionInfo")
            .unwrap()
            .write_all(b"x")
            .unwrap();
        cf.create_stream("EncryptedPackage")
            .unwrap()
            .write_all(b"y")
            .unwrap();
        cf.flush().unwrap();
        let bytes = cf.into_inner().into_inner();
        assert_eq!(sniff(&bytes).unwrap_err().code, Code::E101);
    }

    #[test]
    fn a_zip_bomb_is_refused_before_any_reader() {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        z.write_all(&vec![b'0'; 40 * 1024 * 1024]).unwrap();
        let bytes = z.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024);
        let r = sniff(&bytes).unwrap_err();
        assert_eq!(r.code, Code::E102);
        assert!(r.message.contains("fois"), "{}", r.message);
    }

    #[test]
    fn files_sent_instead_of_a_return_are_named() {
        // What partners and Caf staff send by mistake, each said as what it is (they all said
        // «format non reconnu»).
        let cases: [(&[u8], &str); 9] = [
            (
                b"\xef\xbb\xbf  {\n  \"version\": 1,\n  \"convention\": {\n    \"id\": \"x\"",
                "modèle de CTG",
            ),
            (
                b"{\"format\":\"ctg-rapport\",\"version\":1,\"commande\":\"valider\"}",
                "rapport de ctg",
            ),
            (b"[1, 2, 3]", "fichier JSON"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "document PDF"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image"),
            (b"\xff\xd8\xff\xe0\0\x10JFIF\0", "image"),
            (
                "Fiche;Trimestre;Collectivité;État\n1.1;2026-T2;29058;En cours\n".as_bytes(),
                "texte (CSV)",
            ),
            (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "document RTF"),
            (b"", "fichier vide"),
        ];
        for (bytes, said) in cases {
            let r = sniff(bytes).unwrap_err();
            assert_eq!(r.code, Code::E100);
            assert!(r.message.contains(said), "{said} : {}", r.message);
            assert!(!r.message.contains("non reconnu"), "{}", r.message);
        }
        // Unknown bytes keep the general message.
        assert!(
            sniff(b"\x00\x01\x02garbage")
                .unwrap_err()
                .message
                .contains("non reconnu")
        );
    }

    #[test]
    fn recognises_xlsx_by_content() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(sniff(&bytes), Ok(Format::Xlsx));
    }
}
