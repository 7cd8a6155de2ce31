//! The annotated copy is the partner's own file: the package received, every part copied
//! byte for byte (raw zip copy), with only these additions: a fill and a comment on each cell
//! with an anomaly (a row-level anomaly goes on the row's first cell), an «Anomalies» sheet
//! listing every diagnostic with a link to its cell, and a document property marking the copy.
//! OOXML (`.xlsx`, `.xlsm`) stays OOXML, ODF (`.ods`) stays ODF. What cannot be edited in place
//! (an `.xls`, a package this code cannot follow) is rebuilt from the form by the caller.
//!
//! The mark holds a fingerprint of the other parts: a copy nobody touched since ctg wrote it is
//! not a return (it would double the partner's rows); once the partner has corrected and saved
//! it, it is their return again and is read as one.

mod ods;
mod ooxml;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::container::{Format, xml_local};
use crate::diagnostic::{Diagnostic, Severity};
use crate::workbook::addr::parse_cell;

/// Name of the sheet ctg adds, and of the property marking a copy.
pub const SHEET: &str = "Anomalies";
pub const PROPERTY: &str = "ctg_copie";
const MARK_PREFIX: &str = "annotee ";

/// Headers and widths (in characters) of the «Anomalies» sheet.
const COLUMNS: [(&str, f64); 6] = [
    ("Gravité", 14.0),
    ("Code", 11.0),
    ("Feuille", 22.0),
    ("Cellule", 10.0),
    ("Message", 80.0),
    ("Valeur saisie", 30.0),
];

/// What one cell of the partner's file receives.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub severity: Severity,
    pub lines: Vec<String>,
}

impl Note {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// One line of the «Anomalies» sheet; `link` is the (sheet, row, col) of a cell that exists
/// in the file.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub cells: [String; 6],
    pub link: Option<(String, u32, u32)>,
}

/// Everything to add to a file: notes by sheet name and (row, col), 0-based; the list.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub notes: BTreeMap<String, BTreeMap<(u32, u32), Note>>,
    pub lines: Vec<Line>,
}

/// (row, col) of a diagnostic's cell: `E7` → (6, 4); a row `7` → (6, 0).
fn target(cell: &str) -> Option<(u32, u32)> {
    if let Some((r, c)) = parse_cell(cell) {
        return Some((r, u32::from(c)));
    }
    let r: u32 = cell.parse().ok().filter(|r| *r >= 1)?;
    Some((r - 1, 0))
}

impl Plan {
    /// The plan for `diags` on a file whose sheets are `sheets`.
    pub fn new(diags: &[Diagnostic], sheets: &[String]) -> Plan {
        let mut plan = Plan::default();
        for d in diags {
            let sheet = d.location.sheet.clone().filter(|s| sheets.contains(s));
            let at = sheet
                .as_ref()
                .and_then(|s| Some((s.clone(), target(d.location.cell.as_deref()?)?)));
            let value = d.value.clone().unwrap_or_default();
            let mut line = format!(
                "{} ({}) : {}",
                d.code.as_str(),
                d.severity.label(),
                d.message
            );
            if !value.is_empty() && !d.message.contains(&value) {
                line.push_str(&format!(" — valeur saisie : « {value} »"));
            }
            if let Some((s, rc)) = &at {
                let n = plan
                    .notes
                    .entry(s.clone())
                    .or_default()
                    .entry(*rc)
                    .or_insert(Note {
                        severity: d.severity,
                        lines: Vec::new(),
                    });
                if rank(d.severity) < rank(n.severity) {
                    n.severity = d.severity;
                }
                n.lines.push(line);
            }
            plan.lines.push(Line {
                cells: [
                    d.severity.label().to_string(),
                    d.code.as_str().to_string(),
                    d.location.sheet.clone().unwrap_or_default(),
                    match d.location.cell.as_deref() {
                        Some(c) if c.chars().all(|ch| ch.is_ascii_digit()) => format!("ligne {c}"),
                        c => c.unwrap_or_default().to_string(),
                    },
                    d.message.clone(),
                    value,
                ],
                link: at.map(|(s, (r, c))| (s, r, c)),
            });
        }
        plan
    }

    fn header() -> [String; 6] {
        COLUMNS.map(|(h, _)| h.to_string())
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Fill colours by severity (RGB).
fn fill(s: Severity) -> &'static str {
    match s {
        Severity::Error => "FFC7CE",
        Severity::Warning => "FFEB9C",
        Severity::Info => "DDEBF7",
    }
}

/// Annotates the partner's file in place. `Err` says why it could not be done (the caller then
/// rebuilds the copy from the form).
pub(crate) fn annotate(
    original: &[u8],
    format: Format,
    diags: &[Diagnostic],
) -> Result<Vec<u8>, String> {
    let unmarked = match format {
        Format::Xlsx => ooxml::annotate(original, diags)?,
        Format::Ods => ods::annotate(original, diags)?,
        other => return Err(format!("{} : pas d'annotation en place", other.label())),
    };
    mark(&unmarked, format)
}

/// Sets the copy's mark: its fingerprint over every other part.
pub(crate) fn mark(bytes: &[u8], format: Format) -> Result<Vec<u8>, String> {
    let (part, _) = mark_part(format).ok_or("format sans propriétés")?;
    let mut z = archive(bytes)?;
    let value = format!("{MARK_PREFIX}{}", fingerprint(&mut z, part));
    let mut replaced = BTreeMap::new();
    let mut added = Vec::new();
    match format {
        Format::Xlsx => ooxml::set_property(&mut z, &value, &mut replaced, &mut added)?,
        Format::Ods => ods::set_property(&mut z, &value, &mut replaced)?,
        _ => unreachable!("mark_part is None for other formats"),
    }
    rebuild(bytes, &replaced, &added)
}

/// True when an OOXML package is a macro-enabled workbook (`.xlsm`).
pub(crate) fn macro_enabled(bytes: &[u8]) -> bool {
    archive(bytes)
        .ok()
        .and_then(|mut z| read_part(&mut z, "[Content_Types].xml"))
        .is_some_and(|t| t.contains("macroEnabled"))
}

/// True for an annotated copy nobody changed since ctg wrote it, from its audited package
/// (`container::sniff_package`): its properties part and the CRCs of the others.
pub fn untouched_copy(p: &crate::container::Package) -> bool {
    let format = if p.part("content.xml").is_some() {
        Format::Ods
    } else {
        Format::Xlsx
    };
    let Some((part, element)) = mark_part(format) else {
        return false;
    };
    let Some(xml) = p.text(part) else {
        return false;
    };
    if !xml.contains(PROPERTY) {
        return false;
    }
    read_mark(xml, element)
        .and_then(|v| v.strip_prefix(MARK_PREFIX).map(str::to_string))
        .is_some_and(|h| h == fingerprint_of(p.crcs(), part))
}

/// Where a copy's mark lives: the part, and the element that holds named properties
/// (`property` in `docProps/custom.xml`, `meta:user-defined` in `meta.xml`).
fn mark_part(format: Format) -> Option<(&'static str, &'static [u8])> {
    match format {
        Format::Xlsx => Some(("docProps/custom.xml", b"property")),
        Format::Ods => Some(("meta.xml", b"user-defined")),
        _ => None,
    }
}

/// The value of the property named [`PROPERTY`] among the `element`s of a properties part.
fn read_mark(xml: &str, element: &[u8]) -> Option<String> {
    let mut r = Reader::from_str(xml);
    let mut inside = false;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) if xml_local(e.name().as_ref()) == element => {
                inside = crate::container::xml_attr(&e, b"name").as_deref() == Some(PROPERTY);
            }
            Ok(Event::Text(t)) if inside => return Some(t.xml10_content().into_owned()),
            Ok(Event::End(e)) if xml_local(e.name().as_ref()) == element => inside = false,
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// A start tag's text without `<`, `>` or `/`, with attributes set (`Some`) or removed (`None`).
fn retag(tag: &str, set: &[(&str, Option<String>)]) -> String {
    let name_len = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let e = quick_xml::events::BytesStart::from_content(tag, name_len);
    let mut out = tag[..name_len].to_string();
    for a in e.attributes().with_checks(false).flatten() {
        if set.iter().any(|(k, _)| qname(a.key) == *k) {
            continue;
        }
        let v = a.value.replace('"', "&quot;");
        out.push_str(&format!(" {}=\"{v}\"", qname(a.key)));
    }
    for (k, v) in set {
        if let Some(v) = v {
            out.push_str(&format!(" {k}=\"{}\"", esc(v)));
        }
    }
    out
}

/// Parts the mark itself may change (when it makes the properties part).
const MADE_WITH_MARK: [&str; 2] = ["_rels/.rels", "[Content_Types].xml"];

/// SHA-256 over the names and CRCs of every part but `skip`, in name order.
fn fingerprint(z: &mut ZipArchive<Cursor<&[u8]>>, skip: &str) -> String {
    let parts: Vec<(String, u32)> = (0..z.len())
        .filter_map(|i| {
            let f = z.by_index_raw(i).ok()?;
            Some((f.name().ok()?.to_string(), f.crc32()))
        })
        .collect();
    fingerprint_of(parts.iter().map(|(n, c)| (n.as_str(), *c)), skip)
}

/// [`fingerprint`] of parts given by name and CRC.
fn fingerprint_of<'a>(parts: impl Iterator<Item = (&'a str, u32)>, skip: &str) -> String {
    let mut parts: Vec<(&str, u32)> = parts
        .filter(|(n, _)| *n != skip && !MADE_WITH_MARK.contains(n))
        .collect();
    parts.sort();
    let mut h = Sha256::new();
    for (n, crc) in parts {
        h.update(n.as_bytes());
        h.update([0]);
        h.update(crc.to_le_bytes());
    }
    crate::container::hex(&h.finalize()[..12])
}

fn archive(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, String> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| crate::container::zip_reason(&e))
}

/// A part as text (bounded: the file already passed the pre-flight).
fn read_part(z: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    crate::container::zip_text(z, name, crate::container::MAX_UNCOMPRESSED)
}

/// The package again: replaced parts rewritten, others copied raw (same bytes, same order),
/// added parts at the end.
fn rebuild(
    original: &[u8],
    replaced: &BTreeMap<String, Vec<u8>>,
    added: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, String> {
    for (name, bytes) in replaced.iter().chain(added.iter().map(|(n, b)| (n, b))) {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xml") || lower.ends_with(".rels") {
            namespaces_bound(name, bytes)?;
        }
    }
    let mut z = archive(original)?;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let err = |e: zip::result::ZipError| crate::container::zip_reason(&e);
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(err)?;
        let name = f.name().map_err(err)?.to_string();
        match replaced.get(&name) {
            Some(bytes) => {
                drop(f);
                w.start_file(name, opts).map_err(err)?;
                w.write_all(bytes).map_err(|e| e.to_string())?;
            }
            None => w.raw_copy_file(f).map_err(err)?,
        }
    }
    for (name, bytes) in added {
        w.start_file(name.clone(), opts).map_err(err)?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(w.finish().map_err(err)?.into_inner())
}

/// Checks a part ctg edited or added: well-formed, and every element and attribute prefix
/// bound to a namespace where it is used. Partners' tools declare namespaces in many places
/// (openpyxl on each `<sheet>`, the Open XML SDK with prefixes everywhere): an edit that
/// assumed a declaration would give a copy Excel and LibreOffice refuse, so it is never
/// written (the caller rebuilds the copy from the form and says so).
fn namespaces_bound(name: &str, xml: &[u8]) -> Result<(), String> {
    use quick_xml::name::ResolveResult;
    let mut r = quick_xml::NsReader::from_reader(xml);
    loop {
        let (unknown, event) = match r.read_resolved_event() {
            Ok((res, ev)) => (
                match res {
                    ResolveResult::Unknown(p) => Some(p),
                    _ => None,
                },
                ev,
            ),
            Err(e) => return Err(format!("« {name} » modifié n'est plus du XML valide ({e})")),
        };
        if let Some(p) = unknown {
            return Err(format!(
                "« {name} » : préfixe « {p} » employé sans être déclaré"
            ));
        }
        match event {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.map_err(|e| format!("« {name} » : attribut mal formé ({e})"))?;
                    if a.key.as_ref().starts_with("xmlns") {
                        continue;
                    }
                    if let (ResolveResult::Unknown(p), _) = r.resolver().resolve_attribute(a.key) {
                        return Err(format!(
                            "« {name} » : préfixe « {p} » employé sans être déclaré"
                        ));
                    }
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Text for XML content and attribute values; characters XML 1.0 forbids are dropped.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\t' | '\n' | '\r' => o.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => o.push(c),
        }
    }
    o
}

/// The prefix (with its colon) of a qualified name: `x:row` → `x:`.
fn prefix_of(qname: &str) -> String {
    match qname.find(':') {
        Some(i) => qname[..=i].to_string(),
        None => String::new(),
    }
}

/// A qualified name as text.
fn qname(q: quick_xml::name::QName) -> String {
    let s: &str = q.as_ref();
    s.to_string()
}

/// Inserts `text` just before the end tag of the first element named `local`.
pub(super) fn insert_before_end(xml: &str, local: &[u8], text: &str) -> Result<String, String> {
    let mut r = Reader::from_str(xml);
    loop {
        let before = r.buffer_position() as usize;
        match r.read_event() {
            Ok(Event::End(e)) if xml_local(e.name().as_ref()) == local => {
                return Ok(format!("{}{text}{}", &xml[..before], &xml[before..]));
            }
            Ok(Event::Empty(e)) if xml_local(e.name().as_ref()) == local => {
                let end = r.buffer_position() as usize;
                let tag = &xml[before..end];
                let name = qname(e.name());
                let open = format!(
                    "{}>",
                    tag.trim_end_matches('>').trim_end().trim_end_matches('/')
                );
                return Ok(format!(
                    "{}{open}{text}</{name}>{}",
                    &xml[..before],
                    &xml[end..]
                ));
            }
            Ok(Event::Eof) => {
                return Err(format!(
                    "élément « {} » absent",
                    String::from_utf8_lossy(local)
                ));
            }
            Err(e) => return Err(e.to_string()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_that_uses_a_prefix_out_of_its_declaration_scope_is_caught() {
        // openpyxl declares `r` on each <sheet>: a new sibling using `r:id` is unbound.
        let openpyxl = br#"<workbook xmlns="m"><sheets><sheet xmlns:r="R" name="A" r:id="rId1"/><sheet name="Anomalies" r:id="rIdCtg1"/></sheets></workbook>"#;
        assert!(namespaces_bound("xl/workbook.xml", openpyxl).is_err());
        let fixed = br#"<workbook xmlns="m"><sheets><sheet xmlns:r="R" name="A" r:id="rId1"/><sheet name="Anomalies" xmlns:r="R" r:id="rIdCtg1"/></sheets></workbook>"#;
        assert!(namespaces_bound("xl/workbook.xml", fixed).is_ok());
        let element = br#"<op:Properties xmlns:op="P"><op:property name="a"><vt:lpwstr>x</vt:lpwstr></op:property></op:Properties>"#;
        assert!(namespaces_bound("docProps/custom.xml", element).is_err());
        let broken = br#"<a><b></a>"#;
        assert!(namespaces_bound("x.xml", broken).is_err());
        let xml_lang = br#"<a xml:space="preserve"/>"#;
        assert!(namespaces_bound("x.xml", xml_lang).is_ok());
    }

    #[test]
    fn targets_of_cells_and_rows() {
        assert_eq!(target("E7"), Some((6, 4)));
        assert_eq!(target("7"), Some((6, 0)));
        assert_eq!(target("0"), None);
        assert_eq!(target("feuille"), None);
    }

    #[test]
    fn escaping_drops_what_xml_forbids() {
        assert_eq!(esc("a<b & \"c\"\u{1}\t"), "a&lt;b &amp; &quot;c&quot;\t");
    }
}
