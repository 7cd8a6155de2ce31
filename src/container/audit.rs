//! The integrity audit of a zip package (xlsx, ods, docx) before any reader sees it: every
//! cause reported as itself, never as «la feuille manque». Each entry is inflated once with
//! its CRC checked and its real size compared with the declared one; the local and central
//! headers must agree; names are unique; relationship targets stay inside the package; XML
//! parts have no DOCTYPE or entity, a bounded depth, cell references inside the grid and
//! within a cell budget, and shared-string indexes that exist (.xlsx worksheets through the
//! scanner of `sheet_scan`, the other parts through quick-xml's events).

use crate::container::xml_local as local;
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::package::{Entry, Package};
use super::{MAX_UNCOMPRESSED, Refusal, refuse};
use crate::codes::Code;

/// Cells a return may hold in one sheet (rows × columns of its used range).
pub const CELL_BUDGET: u64 = 5_000_000;
/// Nesting depth of XML elements.
pub const MAX_DEPTH: usize = 512;
/// Excel's grid.
const MAX_ROW: u64 = 1_048_576;
const MAX_COL: u64 = 16_384;

/// Audits the package; `Ok` when it may be handed to a reader.
pub fn zip(bytes: &[u8]) -> Result<(), Refusal> {
    audit(bytes, false).map(|_| ())
}

/// [`zip`], and the package kept for the readers that follow: the parts were just inflated
/// and checked, so they are read without inflating them a second time.
pub fn zip_package(bytes: &[u8]) -> Result<Package, Refusal> {
    audit(bytes, true).map(|r| r.unwrap_or_default())
}

fn audit(bytes: &[u8], keep: bool) -> Result<Option<Package>, Refusal> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        refuse(
            Code::E100,
            format!("archive illisible : {}", super::zip_reason(&e)),
        )
    })?;
    if let Some(declared) = central_directory_entries(bytes)
        && declared != z.len() as u64
    {
        return Err(refuse(
            Code::E128,
            format!(
                "l'archive annonce {declared} éléments et n'en contient que {} de noms différents : élément en double ou fichier falsifié",
                z.len()
            ),
        ));
    }
    let mut names = BTreeSet::new();
    let mut entries = Vec::with_capacity(z.len());
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(|e| {
            refuse(
                Code::E100,
                format!("archive illisible : {}", super::zip_reason(&e)),
            )
        })?;
        let name = f.name().unwrap_or_default().replace('\\', "/");
        if !names.insert(name.to_lowercase()) {
            return Err(refuse(
                Code::E128,
                format!(
                    "l'archive contient deux fois « {name} » : on ne peut savoir quelle copie est la bonne"
                ),
            ));
        }
        let method = f.compression();
        if !matches!(
            method,
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
        ) {
            return Err(refuse(
                Code::E130,
                format!(
                    "« {name} » est compressé par une méthode inconnue ({method:?}) : fichier abîmé ou piégé"
                ),
            ));
        }
        let start = local_header_agrees(
            bytes,
            f.header_start(),
            &name,
            f.crc32(),
            f.compressed_size(),
            f.size(),
        )?;
        let raw = f
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| name.clone());
        // Encrypted entries go through the zip crate, which says why they cannot be read.
        let packed = (!f.encrypted()).then(|| Packed {
            start,
            len: f.compressed_size(),
            deflated: method == zip::CompressionMethod::Deflated,
        });
        entries.push((i, name, f.size(), raw, f.crc32(), packed));
    }
    // A binary workbook: its sheets are BIFF12 records in `.bin` parts.
    let xlsb = names.contains("xl/workbook.bin");
    // Shared strings first: sheets are checked against their count.
    let mut kept: Vec<Option<Entry>> = (0..if keep { z.len() } else { 0 }).map(|_| None).collect();
    // Relationships before them: they say which parts are sheets and shared strings,
    // wherever they lie.
    entries.sort_by_cached_key(|(_, n, _, _, _, _)| !n.to_lowercase().ends_with(".rels"));
    let mut sheet_parts: BTreeSet<String> = BTreeSet::new();
    let mut main: Option<String> = None;
    let mut fixed: Vec<(String, &'static str)> = Vec::new();
    let mut total: u64 = 0;
    let mut shared: Option<u64> = None;
    let mut inflater = flate2::Decompress::new(false);
    // The shared strings the reader will read: the part the relationships name, else the
    // usual name.
    let is_shared_strings = |lower: &str, fixed: &[(String, &str)]| match fixed
        .iter()
        .find(|(_, f)| *f == "sharedStrings.xml")
    {
        Some((p, _)) => p == lower,
        None => lower.ends_with("sharedstrings.xml"),
    };
    let mut sorted = false;
    for at in 0..entries.len() {
        if !sorted && !entries[at].1.to_lowercase().ends_with(".rels") {
            entries[at..].sort_by_cached_key(|(_, n, _, _, _, _)| {
                !is_shared_strings(&n.to_lowercase(), &fixed)
            });
            sorted = true;
        }
        let (i, name, declared, raw_name, crc, packed) = std::mem::take(&mut entries[at]);
        let budget = MAX_UNCOMPRESSED.saturating_sub(total);
        let data = match packed {
            Some(p) => inflate(&mut inflater, bytes, &p, &name, declared, crc, budget)?,
            None => read_entry(&mut z, i, &name, declared, budget)?,
        };
        total += data.len() as u64;
        if total > MAX_UNCOMPRESSED {
            return Err(too_big());
        }
        if data.len() as u64 != declared {
            return Err(lying_size(&name, declared, &data.len().to_string()));
        }
        let lower = name.to_lowercase();
        let mut styled = None;
        // A worksheet is the part a relationship names as one, in whatever folder; the
        // usual folder counts too, relationships or not.
        let is_sheet = !(xlsb && lower.ends_with(".bin"))
            && ((name.contains("worksheets/") && lower.ends_with(".xml"))
                || sheet_parts.contains(&lower));
        if lower.ends_with(".rels") {
            doctype_free(&name, &data)?;
            let named = relationships(&name, &data)?;
            sheet_parts.extend(named.sheets);
            main = main.or(named.main);
            fixed.extend(named.fixed);
        } else if is_sheet {
            let mut cells = Vec::new();
            super::sheet_scan::sheet(&name, &data, shared, keep.then_some(&mut cells))?;
            styled = keep.then_some(cells);
        } else if xlsb && lower.starts_with("xl/") && lower.ends_with(".bin") {
            biff12_sheet(&name, &data)?;
        } else if lower.ends_with(".xml") && is_shared_strings(&lower, &fixed) {
            shared = Some(super::sheet_scan::shared_strings(&name, &data)?);
        } else if lower.ends_with(".xml") && !holds_data(&lower) {
            // Parts no reader walks cell by cell (styles, theme, properties): only what could
            // make a parser expand entities is looked for.
            doctype_free(&name, &data)?;
        } else if lower.ends_with(".xml") {
            xml(&name, &data)?;
        }
        if keep {
            kept[i] = Some(Entry {
                name,
                raw: raw_name,
                crc,
                data,
                styled,
            });
        }
    }
    Ok(keep.then(|| {
        let mut kept: Vec<Entry> = kept.into_iter().flatten().collect();
        put_where_read(&mut kept, main.as_deref(), &fixed);
        Package::build(kept)
    }))
}

/// calamine 0.38 looks for the shared strings and the styles beside the main part under
/// fixed names, where Excel follows the relationships: a part the relationships put
/// elsewhere (`xl/textes/partages.xml`) is renamed in the package the readers get, and a
/// part left under the fixed name that no relationship names is left out of it. Without
/// this, every text of such a workbook is lost («formulaire non reconnu»), or its dates are
/// read as numbers.
fn put_where_read(kept: &mut Vec<Entry>, main: Option<&str>, fixed: &[(String, &'static str)]) {
    let Some(main) = main else { return };
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let mut done = Vec::new();
    for (part, file) in fixed {
        // The first relationship of each kind; binary parts (.xlsb) keep their names.
        if done.contains(file) || !part.ends_with(".xml") {
            continue;
        }
        done.push(*file);
        let expected = if dir.is_empty() {
            file.to_string()
        } else {
            format!("{dir}/{file}")
        };
        if *part == expected.to_lowercase() || !kept.iter().any(|e| e.name.to_lowercase() == *part)
        {
            continue;
        }
        kept.retain(|e| e.name.to_lowercase() != expected.to_lowercase());
        for e in kept.iter_mut().filter(|e| e.name.to_lowercase() == *part) {
            e.name = expected.clone();
            e.raw = expected.clone();
        }
    }
}

/// Where an entry's data lies in the archive, as its local header says.
struct Packed {
    start: usize,
    len: u64,
    deflated: bool,
}

fn too_big() -> Refusal {
    refuse(
        Code::E102,
        format!(
            "plus de {} Mo une fois décompressé : archive piégée refusée",
            MAX_UNCOMPRESSED >> 20
        ),
    )
}

fn lying_size(name: &str, declared: u64, found: &str) -> Refusal {
    refuse(
        Code::E128,
        format!(
            "« {name} » annonce {declared} octets et en contient {found} : en-têtes falsifiés ou abîmés"
        ),
    )
}

fn unreadable(name: &str, why: &str, declared: u64) -> Refusal {
    refuse(
        Code::E128,
        format!("« {name} » : {why} (contenu incohérent avec les {declared} octets annoncés)"),
    )
}

/// One entry inflated in one call into a buffer of its declared size (no reader, no
/// intermediate buffer, no zeroing), its CRC checked over the whole part at once. Inflating
/// stops as soon as the part outgrows its declared size or what is left of the budget.
fn inflate(
    d: &mut flate2::Decompress,
    bytes: &[u8],
    p: &Packed,
    name: &str,
    declared: u64,
    crc: u32,
    budget: u64,
) -> Result<Vec<u8>, Refusal> {
    let raw = usize::try_from(p.len)
        .ok()
        .and_then(|len| bytes.get(p.start..p.start.checked_add(len)?))
        .ok_or_else(|| {
            unreadable(
                name,
                "fin de fichier inattendue : fichier tronqué",
                declared,
            )
        })?;
    let data = if p.deflated {
        // One byte beyond the declared size, to see a part that holds more than it says.
        let limit = declared.min(budget).saturating_add(1);
        let mut out = Vec::with_capacity(limit.min(64 << 20) as usize);
        d.reset(false);
        loop {
            let consumed = d.total_in() as usize;
            let status = d
                .decompress_vec(
                    raw.get(consumed..).unwrap_or_default(),
                    &mut out,
                    flate2::FlushDecompress::Finish,
                )
                .map_err(|_| {
                    unreadable(
                        name,
                        "données compressées invalides : fichier abîmé",
                        declared,
                    )
                })?;
            if status == flate2::Status::StreamEnd {
                break;
            }
            if out.len() as u64 >= limit {
                return Err(if declared > budget {
                    too_big()
                } else {
                    lying_size(name, declared, "davantage")
                });
            }
            if out.len() < out.capacity() {
                // Room left and no end of stream: the input ran out.
                return Err(unreadable(
                    name,
                    "fin de fichier inattendue : fichier tronqué",
                    declared,
                ));
            }
            let more = (out.capacity().max(4096) as u64).min(limit - out.len() as u64);
            out.reserve_exact(more as usize);
        }
        out
    } else {
        raw.to_vec()
    };
    if data.len() as u64 == declared && crc32fast::hash(&data) != crc {
        return Err(refuse(
            Code::E129,
            format!("« {name} » : somme de contrôle (CRC) incorrecte : fichier abîmé"),
        ));
    }
    Ok(data)
}

/// An entry read through the zip crate (an encrypted one: it says why it cannot be read).
fn read_entry(
    z: &mut zip::ZipArchive<Cursor<&[u8]>>,
    i: usize,
    name: &str,
    declared: u64,
    budget: u64,
) -> Result<Vec<u8>, Refusal> {
    let mut f = z.by_index(i).map_err(|e| {
        refuse(
            Code::E100,
            format!("« {name} » illisible : {}", super::zip_reason(&e)),
        )
    })?;
    let mut data = Vec::with_capacity(declared.min(64 << 20) as usize);
    f.by_ref()
        .take(budget + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            let why = super::io_reason(&e);
            if why.contains("CRC") {
                refuse(Code::E129, format!("« {name} » : {why}"))
            } else {
                unreadable(name, &why, declared)
            }
        })?;
    Ok(data)
}

/// Parts whose every element is parsed (cells, shared strings, the Word body): the others
/// only need to be free of DOCTYPE.
fn holds_data(lower: &str) -> bool {
    lower.contains("worksheets/")
        || lower.ends_with("sharedstrings.xml")
        || lower == "content.xml"
        || lower.starts_with("word/")
        || lower.ends_with("workbook.xml")
}

fn doctype_free(name: &str, data: &[u8]) -> Result<(), Refusal> {
    let found = [b"<!DOCTYPE".as_slice(), b"<!doctype", b"<!ENTITY"]
        .iter()
        .any(|needle| memchr::memmem::find(data, needle).is_some());
    if found {
        return Err(doctype(name));
    }
    Ok(())
}

/// The refusals every XML audit shares (quick-xml's events here, the worksheet scanner).
pub(super) fn doctype(part: &str) -> Refusal {
    refuse(
        Code::E131,
        format!(
            "« {part} » déclare un DOCTYPE (entités XML) : refusé, un fichier Office n'en contient jamais"
        ),
    )
}

pub(super) fn malformed(part: &str, at: u64) -> Refusal {
    refuse(
        Code::E100,
        format!("« {part} » : XML mal formé (vers l'octet {at})"),
    )
}

pub(super) fn too_deep(part: &str) -> Refusal {
    refuse(
        Code::E132,
        format!("« {part} » imbrique plus de {MAX_DEPTH} niveaux d'éléments : refusé"),
    )
}

/// Number of entries the end-of-central-directory record declares (`None` for ZIP64).
fn central_directory_entries(bytes: &[u8]) -> Option<u64> {
    let tail = bytes.len().saturating_sub(65_557);
    let i = bytes[tail..]
        .windows(4)
        .rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])?
        + tail;
    let n = u16::from_le_bytes([*bytes.get(i + 10)?, *bytes.get(i + 11)?]);
    (n != u16::MAX).then_some(u64::from(n))
}

/// The local header of an entry must say what the central directory says; where the
/// entry's data starts.
fn local_header_agrees(
    bytes: &[u8],
    start: u64,
    name: &str,
    crc: u32,
    packed: u64,
    size: u64,
) -> Result<usize, Refusal> {
    let bad = |what: &str| {
        refuse(
            Code::E128,
            format!(
                "« {name} » : {what} diffère entre les deux en-têtes de l'archive (fichier falsifié ou abîmé)"
            ),
        )
    };
    let s = start as usize;
    let h = bytes.get(s..s + 30).ok_or_else(|| bad("l'en-tête local"))?;
    let u16_at = |o: usize| u16::from_le_bytes([h[o], h[o + 1]]);
    let u32_at = |o: usize| u32::from_le_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]);
    if u32_at(0) != 0x0403_4b50 {
        return Err(bad("l'en-tête local"));
    }
    let name_len = u16_at(26) as usize;
    let local_name = bytes
        .get(s + 30..s + 30 + name_len)
        .ok_or_else(|| bad("le nom"))?;
    if String::from_utf8_lossy(local_name).replace('\\', "/") != name {
        return Err(bad("le nom"));
    }
    let extra_len = u16_at(28) as usize;
    let flags = u16_at(6);
    // With a data descriptor (bit 3), the local sizes and CRC are zero by design.
    let zip64 = u32_at(18) == u32::MAX || u32_at(22) == u32::MAX;
    if flags & 0x08 == 0 && !zip64 {
        if u32_at(14) != crc {
            return Err(bad("la somme de contrôle"));
        }
        if u64::from(u32_at(18)) != packed || u64::from(u32_at(22)) != size {
            return Err(bad("la taille"));
        }
    }
    Ok(s + 30 + name_len + extra_len)
}

/// The XML audit of a part that holds data, other than an .xlsx worksheet or its shared
/// strings (those go through `sheet_scan`): the workbook, an .ods `content.xml`, a Word body.
fn xml(name: &str, data: &[u8]) -> Result<(), Refusal> {
    // Parsed in place: no copy of each event.
    let mut r = Reader::from_reader(data);
    r.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut ods = (name == "content.xml").then(OdsRepeats::default);
    loop {
        let ev = r
            .read_event()
            .map_err(|_| malformed(name, r.error_position()))?;
        if let Some(o) = &mut ods {
            o.event(name, &ev)?;
        }
        match ev {
            Event::DocType(_) => return Err(doctype(name)),
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(name));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Readers reserve room for the declared count of shared strings: a count above the real
/// one is a lie that costs gigabytes.
pub(super) fn declared_count_fits(name: &str, declared: &str, strings: u64) -> Result<(), Refusal> {
    let lie = declared.trim().parse::<u64>().map_or(true, |n| n > strings);
    if lie {
        return Err(refuse(
            Code::E133,
            format!(
                "« {name} » annonce {declared} textes partagés et n'en contient que {strings} : fichier abîmé ou falsifié"
            ),
        ));
    }
    Ok(())
}

/// The grid an .ods table spreads over: readers expand `number-rows-repeated` ×
/// `number-columns-repeated` up to the last cell that holds something, so a 29 KB file can
/// ask for billions of cells. Counted per table against the budget, before any reader.
#[derive(Default)]
struct OdsRepeats {
    table: String,
    /// Rows so far, and the row after the last one holding a value.
    row: u64,
    rows_used: u64,
    /// In the current row: columns so far, the column after the last valued cell (0: none),
    /// and the row's repeat; the widest row holding a value so far.
    col: u64,
    cols_used: u64,
    row_repeat: u64,
    widest: u64,
    /// The tables this one sits in (a table inside a cell), innermost last.
    enclosing: Vec<OdsRepeats>,
}

impl OdsRepeats {
    fn repeat(part: &str, e: &quick_xml::events::BytesStart, key: &[u8]) -> Result<u64, Refusal> {
        let Some(v) = super::xml_attr(e, key) else {
            return Ok(1);
        };
        match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(refuse(
                Code::E132,
                format!(
                    "« {part} » répète une ligne ou une cellule « {v} » fois : nombre invalide"
                ),
            )),
        }
    }

    fn event(&mut self, part: &str, ev: &Event) -> Result<(), Refusal> {
        match ev {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                // A table inside a cell is counted on its own (calamine skips it) and the
                // table around it goes on where it was.
                b"table" if matches!(ev, Event::Start(_)) => {
                    let inner = OdsRepeats {
                        table: super::xml_attr(e, b"name").unwrap_or_default(),
                        enclosing: std::mem::take(&mut self.enclosing),
                        ..Default::default()
                    };
                    let outer = std::mem::replace(self, inner);
                    self.enclosing.push(outer);
                }
                b"table-row" => {
                    self.row_repeat = Self::repeat(part, e, b"number-rows-repeated")?;
                    self.col = 0;
                    self.cols_used = 0;
                    if matches!(ev, Event::Empty(_)) {
                        self.end_row(part)?;
                    }
                }
                b"table-cell" | b"covered-table-cell" => {
                    let n = Self::repeat(part, e, b"number-columns-repeated")?;
                    self.col = self.col.saturating_add(n);
                    let valued = matches!(ev, Event::Start(_))
                        || super::xml_attr(e, b"value-type").is_some();
                    if valued {
                        self.cols_used = self.col;
                    }
                }
                _ => {}
            },
            Event::End(e) if local(e.name().as_ref()) == b"table-row" => self.end_row(part)?,
            Event::End(e) if local(e.name().as_ref()) == b"table" => {
                if let Some(outer) = self.enclosing.pop() {
                    let enclosing = std::mem::take(&mut self.enclosing);
                    *self = outer;
                    self.enclosing = enclosing;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_row(&mut self, part: &str) -> Result<(), Refusal> {
        let repeat = std::mem::replace(&mut self.row_repeat, 1);
        self.row = self.row.saturating_add(repeat);
        if self.cols_used > 0 {
            self.rows_used = self.row;
            self.widest = self.widest.max(self.cols_used);
            let cells = self.rows_used.saturating_mul(self.widest);
            if cells > CELL_BUDGET || self.rows_used > MAX_ROW || self.widest > MAX_COL {
                return Err(refuse(
                    Code::E132,
                    format!(
                        "« {part} » : la table « {} » répète des cellules remplies sur {} lignes et {} colonnes, au-delà des {} cellules qu'un formulaire peut compter",
                        self.table,
                        crate::fr::int(self.rows_used),
                        crate::fr::int(self.widest),
                        crate::fr::int(CELL_BUDGET)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A sheet's `<dimension ref="A1:F12">`: readers size their grid from it, so it must name
/// cells of the grid, top left first.
pub(super) fn dimension(part: &str, value: &str) -> Result<(), Refusal> {
    let bad = || {
        refuse(
            Code::E132,
            format!("« {part} » annonce une dimension de feuille invalide « {value} »"),
        )
    };
    let corners: Vec<&str> = value.split(':').collect();
    if corners.is_empty() || corners.len() > 2 {
        return Err(bad());
    }
    let mut parsed = Vec::new();
    for c in &corners {
        parsed.push(cell_ref(part, c.trim().as_bytes()).map_err(|_| bad())?);
    }
    if let [(r0, c0), (r1, c1)] = parsed[..]
        && (r1 < r0 || c1 < c0)
    {
        return Err(bad());
    }
    Ok(())
}

/// A decimal number written with ASCII digits alone (at most 18 of them), read in place.
pub(super) fn digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 18 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(raw.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0')))
}

/// `C7` → (7, 3), 1-based; a reference outside Excel's grid is refused.
pub(super) fn cell_ref(part: &str, raw: &[u8]) -> Result<(u64, u64), Refusal> {
    // The usual form (capitals then digits, inside the grid) is read in place, without the
    // copies below: a sheet holds thousands of cells.
    let letters = raw.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if (1..=3).contains(&letters)
        && let Some(row) = digits(&raw[letters..])
    {
        let col = raw[..letters]
            .iter()
            .fold(0u64, |c, b| c * 26 + u64::from(b - b'A' + 1));
        if (1..=MAX_ROW).contains(&row) && col <= MAX_COL {
            return Ok((row, col));
        }
    }
    let s = String::from_utf8_lossy(raw);
    // The reader's own cell-name parser; anything it does not accept is outside the grid.
    let parsed = crate::workbook::addr::parse_cell(&s.to_ascii_uppercase());
    let (row, col) = parsed.map_or((0, 0), |(r, c)| (u64::from(r) + 1, u64::from(c) + 1));
    if parsed.is_none() || row > MAX_ROW || col > MAX_COL {
        return Err(refuse(
            Code::E132,
            format!(
                "« {part} » contient une cellule « {s} » hors de la grille d'Excel (XFD1048576 au plus)"
            ),
        ));
    }
    Ok((row, col))
}

/// What the relationships parts of a package say about where its parts lie.
#[derive(Default, Debug)]
struct Named {
    /// Parts named as sheets (worksheet, dialog sheet, chart sheet), in lower case, both as
    /// calamine 0.38 looks them up (the source folder and the target joined as written, or an
    /// absolute target without its `/`) and resolved.
    sheets: Vec<String>,
    /// The main part (`officeDocument` of the package's own relationships), resolved.
    main: Option<String>,
    /// Parts named as shared strings or styles, resolved, with the name calamine 0.38 looks
    /// for them under (beside the main part, whatever the relationships say).
    fixed: Vec<(String, &'static str)>,
}

/// A relationships part: every target must name a part of the package, never a path outside
/// it. Returns where it says the sheets, the main part, the shared strings and the styles lie.
fn relationships(name: &str, data: &[u8]) -> Result<Named, Refusal> {
    let base: Vec<&str> = name
        .trim_end_matches(".rels")
        .rsplit_once("_rels/")
        .map(|(dir, _)| dir.trim_end_matches('/'))
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut named = Named::default();
    let mut r = Reader::from_reader(data);
    r.config_mut().check_end_names = false;
    loop {
        let ev = r
            .read_event()
            .map_err(|_| malformed(name, r.error_position()))?;
        let e = match ev {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"Relationship" => e,
            Event::Eof => break,
            _ => continue,
        };
        let (mut target, mut kind, mut external) = (None, String::new(), false);
        for a in e.attributes() {
            let a = a.map_err(|_| malformed(name, r.buffer_position()))?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|_| malformed(name, r.buffer_position()))?;
            match local(a.key.as_ref()) {
                b"Target" => target = Some(value.into_owned()),
                b"Type" => kind = value.into_owned(),
                b"TargetMode" => external = value == "External",
                _ => {}
            }
        }
        let Some(t) = target else { continue };
        if external {
            continue;
        }
        let mut stack: Vec<&str> = if t.starts_with('/') {
            Vec::new()
        } else {
            base.clone()
        };
        for seg in t.split('/').filter(|s| !s.is_empty() && *s != ".") {
            if seg == ".." {
                if stack.pop().is_none() {
                    return Err(refuse(
                        Code::E128,
                        format!("« {name} » désigne « {t} », hors de l'archive : refusé"),
                    ));
                }
            } else {
                stack.push(seg);
            }
        }
        if ["/worksheet", "/dialogsheet", "/chartsheet"]
            .iter()
            .any(|k| kind.ends_with(k))
        {
            let as_written = match t.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None if base.is_empty() => t.clone(),
                None => format!("{}/{t}", base.join("/")),
            };
            named.sheets.push(as_written.to_lowercase());
            named.sheets.push(stack.join("/").to_lowercase());
        } else if kind.ends_with("/officeDocument") && base.is_empty() {
            named.main.get_or_insert(stack.join("/"));
        } else if let Some(fixed) = [
            ("/sharedStrings", "sharedStrings.xml"),
            ("/styles", "styles.xml"),
        ]
        .iter()
        .find(|(k, _)| kind.ends_with(k))
        {
            named.fixed.push((stack.join("/").to_lowercase(), fixed.1));
        }
    }
    Ok(named)
}

/// The cells of a binary workbook's sheet part (BIFF12 records), walked as calamine 0.38
/// reads them: a row header (BrtRowHdr, type 0) gives the row of the cell records after it
/// (types 1 to 13, column first), from BrtBeginSheetData (0x91) to BrtEndSheetData (0x92).
/// calamine builds a dense grid over the cells' extent, and ends a sheet at a row past the
/// grid: a row or a column outside Excel's grid, or an extent beyond the budget, is refused.
/// Parts of the package that are not sheets (a macro project, printer settings) hold no
/// BrtBeginSheetData and are passed over; a compound file (`vbaProject.bin`) is not walked.
fn biff12_sheet(part: &str, data: &[u8]) -> Result<(), Refusal> {
    if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(());
    }
    // calamine reads each record's body into one buffer it never clears: a body shorter than
    // the four bytes of a row or column leaves the previous record's bytes there.
    let mut buf: Vec<u8> = Vec::new();
    let (mut in_data, mut row) = (false, 0u64);
    let mut extent: Option<((u64, u64), (u64, u64))> = None;
    let mut i = 0usize;
    let byte = |k: usize| data.get(k).copied();
    while let Some(b) = byte(i) {
        i += 1;
        let typ = if b & 0x80 == 0x80 {
            let Some(b2) = byte(i) else { break };
            i += 1;
            u16::from(b & 0x7F) + (u16::from(b2 & 0x7F) << 7)
        } else {
            u16::from(b)
        };
        let mut len = 0usize;
        for k in 0..4 {
            let Some(c) = byte(i) else { return Ok(()) };
            i += 1;
            len += usize::from(c & 0x7F) << (7 * k);
            if c & 0x80 == 0 {
                break;
            }
        }
        let Some(body) = data.get(i..i + len) else {
            break;
        };
        i += len;
        if buf.len() < len {
            buf.resize(len, 0);
        }
        buf[..len].copy_from_slice(body);
        let u32_at_0 = || {
            buf.get(0..4)
                .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
        };
        match typ {
            0x0091 => in_data = true,
            0x0092 if in_data => break,
            0x0000 if in_data => {
                row = u32_at_0().unwrap_or(0);
                if row >= MAX_ROW {
                    return Err(refuse(
                        Code::E132,
                        format!(
                            "« {part} » contient une ligne {}, hors de la grille d'Excel ({} lignes au plus)",
                            crate::fr::int(row + 1),
                            crate::fr::int(MAX_ROW)
                        ),
                    ));
                }
            }
            1..=13 if in_data => {
                let col = u32_at_0().unwrap_or(0);
                if col >= MAX_COL {
                    return Err(refuse(
                        Code::E132,
                        format!(
                            "« {part} » contient une cellule en colonne {}, hors de la grille d'Excel ({} colonnes au plus)",
                            crate::fr::int(col + 1),
                            crate::fr::int(MAX_COL)
                        ),
                    ));
                }
                let cell = (row + 1, col + 1);
                extent = Some(match extent {
                    None => (cell, cell),
                    Some((a, z)) => (
                        (a.0.min(cell.0), a.1.min(cell.1)),
                        (z.0.max(cell.0), z.1.max(cell.1)),
                    ),
                });
            }
            _ => {}
        }
    }
    match extent {
        Some((first, last)) => super::sheet_scan::extent_fits(part, first, last),
        None => Ok(()),
    }
}

/// The records of a BIFF stream from `pos`: (type, body), as long as a whole record remains.
fn biff_records(data: &[u8], pos: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut i = pos;
    std::iter::from_fn(move || {
        let head = data.get(i..i + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let body = data.get(i + 4..i + 4 + len)?;
        i += 4 + len;
        Some((typ, body))
    })
}

/// What a sheet's records make a reader allocate: the rows × columns its DIMENSIONS record
/// reserves, and the dense grid spanning its cells.
struct SheetExtent<'a> {
    /// The sheet's name when it is known (from its BOUNDSHEET record), for the message.
    name: Option<&'a str>,
    cells: Option<(u64, u64, u64, u64)>,
}

impl<'a> SheetExtent<'a> {
    fn new(name: Option<&'a str>) -> Self {
        Self { name, cells: None }
    }

    fn sheet(&self) -> String {
        match self.name {
            Some(n) => format!("la feuille « {n} »"),
            None => "une feuille".to_string(),
        }
    }

    fn record(&mut self, typ: u16, body: &[u8]) -> Result<(), Refusal> {
        match typ {
            // Cell records: row and column first (MULRK/MULBLANK span columns).
            0x0006 | 0x00BD | 0x00BE | 0x00D6 | 0x00FD | 0x0201 | 0x0203 | 0x0204 | 0x0205
            | 0x027E
                if body.len() >= 4 =>
            {
                let row = u64::from(u16::from_le_bytes([body[0], body[1]]));
                let col = u64::from(u16::from_le_bytes([body[2], body[3]]));
                let last_col = if matches!(typ, 0x00BD | 0x00BE) && body.len() >= 6 {
                    u64::from(u16::from_le_bytes([
                        body[body.len() - 2],
                        body[body.len() - 1],
                    ]))
                    .max(col)
                } else {
                    col
                };
                self.cells = Some(match self.cells {
                    None => (row, row, col, last_col),
                    Some((r0, r1, c0, c1)) => {
                        (r0.min(row), r1.max(row), c0.min(col), c1.max(last_col))
                    }
                });
            }
            0x0200 => {
                if let Some((rows, cols)) = dimensions_reserve(body)
                    && (rows.saturating_mul(cols) > CELL_BUDGET || rows > MAX_ROW + 1)
                {
                    return Err(refuse(
                        Code::E132,
                        format!(
                            "{} annonce {} lignes sur {} colonnes, au-delà des {} cellules qu'un formulaire peut compter",
                            self.sheet(),
                            crate::fr::int(rows),
                            crate::fr::int(cols),
                            crate::fr::int(CELL_BUDGET)
                        ),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The end of the sheet: its cells must fit in the budget.
    fn end(&mut self) -> Result<(), Refusal> {
        if let Some((r0, r1, c0, c1)) = self.cells.take() {
            let cells = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
            if cells > CELL_BUDGET {
                return Err(refuse(
                    Code::E132,
                    format!(
                        "{} a des cellules sur {} lignes et {} colonnes, au-delà des {} cellules qu'un formulaire peut compter",
                        self.sheet(),
                        crate::fr::int(r1 - r0 + 1),
                        crate::fr::int(c1 - c0 + 1),
                        crate::fr::int(CELL_BUDGET)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The rows and columns calamine 0.38 reserves for a DIMENSIONS record (`parse_dimensions`,
/// then `(last - first + 1)` in 32-bit arithmetic, which wraps round in a release build: a
/// first row after the last one reserves about four billion rows). None when calamine
/// refuses the record (a length other than 10, 14 or 16 bytes).
fn dimensions_reserve(body: &[u8]) -> Option<(u64, u64)> {
    let u16_at = |k: usize| u32::from(u16::from_le_bytes([body[k], body[k + 1]]));
    let u32_at = |k: usize| u32::from_le_bytes([body[k], body[k + 1], body[k + 2], body[k + 3]]);
    let (rf, rl, cf, cl) = match body.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return None,
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl >= 1 && cl >= 1 {
        let span = |first: u32, last: u32| u64::from(last.wrapping_sub(first).wrapping_add(1));
        Some((span(rf, rl - 1), span(cf, cl - 1)))
    } else {
        Some((1, 1))
    }
}

/// A BOUNDSHEET record: where its sheet starts in the stream, and its name.
fn boundsheet(body: &[u8], biff8: bool) -> Option<(usize, String)> {
    let pos = u32::from_le_bytes(body.get(0..4)?.try_into().ok()?) as usize;
    let cch = usize::from(*body.get(6)?);
    let name = if biff8 {
        let flags = *body.get(7)?;
        let raw = body.get(8..)?;
        if flags & 1 == 1 {
            let units: Vec<u16> = raw
                .chunks_exact(2)
                .take(cch)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            raw.iter().take(cch).map(|&b| char::from(b)).collect()
        }
    } else {
        body.get(7..)?
            .iter()
            .take(cch)
            .map(|&b| char::from(b))
            .collect()
    };
    Some((pos, name))
}

/// The records of a BIFF workbook stream that make readers allocate: a sheet's DIMENSIONS
/// (rows × columns reserved at once), the grid its cells span, and the shared-string table's
/// count. Each sheet is checked twice over: along the chain of records from offset 0, and from
/// the offset its BOUNDSHEET record gives, where calamine reads it (a record length can make
/// the chain skip a sheet the reader still reads).
pub fn biff(data: &[u8]) -> Result<(), Refusal> {
    let biff8 = biff_records(data, 0)
        .next()
        .is_some_and(|(typ, body)| typ == 0x0809 && body.starts_with(&[0x00, 0x06]));
    let mut sheets = Vec::new();
    // Along the chain first, the sheets' offsets with it; a refusal there waits for the
    // sheets' own walk, which can name the sheet.
    let along_chain = (|| {
        let mut sub = SheetExtent::new(None);
        for (typ, body) in biff_records(data, 0) {
            match typ {
                // BOF: a new substream (sheet); EOF: its end.
                0x0809 | 0x000A => sub.end()?,
                0x0085 => sheets.extend(boundsheet(body, biff8)),
                0x00FC if body.len() >= 8 => {
                    let unique = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                    // Each string takes at least 3 bytes: more than the stream can hold is a lie.
                    if u64::from(unique) * 3 > data.len() as u64 {
                        return Err(refuse(
                            Code::E133,
                            format!(
                                "la table des textes partagés annonce {} textes, impossible dans un fichier de cette taille",
                                crate::fr::int(u64::from(unique))
                            ),
                        ));
                    }
                }
                _ => sub.record(typ, body)?,
            }
        }
        sub.end()
    })();
    sheets.sort_by_key(|(pos, _)| *pos);
    sheets.dedup_by_key(|(pos, _)| *pos);
    // Sheets do not overlap in a real workbook: a stream walked over more than twice is made
    // of sheets that start inside one another, and the reader would walk it as often.
    let mut walked = 0usize;
    for (pos, name) in &sheets {
        if *pos > data.len() {
            return Err(refuse(
                Code::E100,
                format!(
                    "la feuille « {name} » commence à l'octet {} du flux du classeur, qui n'en compte que {} : fichier corrompu",
                    crate::fr::int(*pos as u64),
                    crate::fr::int(data.len() as u64)
                ),
            ));
        }
        // As calamine walks a sheet: its own BOF, nested substreams (charts) skipped, up to
        // the EOF of the sheet.
        let mut sub = SheetExtent::new(Some(name));
        let (mut own_bof, mut depth) = (false, 0usize);
        for (typ, body) in biff_records(data, *pos) {
            walked += 4 + body.len();
            if walked > 2 * data.len() {
                return Err(refuse(
                    Code::E132,
                    format!(
                        "{} feuilles annoncées qui commencent les unes dans les autres : fichier corrompu ou falsifié",
                        crate::fr::int(sheets.len() as u64)
                    ),
                ));
            }
            match typ {
                0x0809 if depth > 0 || own_bof => depth += 1,
                0x0809 => own_bof = true,
                0x000A if depth == 0 => break,
                0x000A => depth -= 1,
                _ if depth > 0 => {}
                _ => sub.record(typ, body)?,
            }
        }
        sub.end()?;
    }
    along_chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of one deflated part, and where that part's compressed data lies.
    fn one_part(data: &[u8]) -> (Vec<u8>, std::ops::Range<usize>) {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("docProps/a.xml", o).unwrap();
        z.write_all(data).unwrap();
        let bytes = z.finish().unwrap().into_inner();
        let range = {
            let mut a = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
            let f = a.by_index_raw(0).unwrap();
            let start = f.data_start().unwrap() as usize;
            start..start + f.compressed_size() as usize
        };
        (bytes, range)
    }

    /// An .ods body of tables, each given as its inside.
    fn ods(tables: &str) -> Vec<u8> {
        format!(
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        )
        .into_bytes()
    }

    /// 1 000 rows of 3 000 valued cells: 3 million cells, within the budget alone.
    const BLOCK: &str = r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="3000" office:value-type="float" office:value="1"/></table:table-row>"#;

    #[test]
    fn ods_tables_are_counted_each_whole_even_around_a_table_nested_in_a_cell() {
        let code = |body: &str| xml("content.xml", &ods(body)).err().map(|r| r.code);
        let table = |inside: &str| format!(r#"<table:table table:name="T">{inside}</table:table>"#);
        // Two tables of 3 million cells each: each within the budget.
        assert_eq!(code(&format!("{}{}", table(BLOCK), table(BLOCK))), None);
        // One table of 6 million: refused, whatever sits between its rows.
        assert_eq!(code(&table(&format!("{BLOCK}{BLOCK}"))), Some(Code::E132));
        for nested in [
            r#"<table:table table:name="n"/>"#,
            r#"<table:table table:name="n"><table:table-row><table:table-cell office:value-type="float" office:value="2"/></table:table-row></table:table>"#,
        ] {
            let between = format!(
                r#"<table:table-row><table:table-cell>{nested}</table:table-cell></table:table-row>"#
            );
            assert_eq!(
                code(&table(&format!("{BLOCK}{between}{BLOCK}"))),
                Some(Code::E132),
                "{nested}"
            );
        }
    }

    fn text() -> Vec<u8> {
        let mut t = b"<a>".to_vec();
        for i in 0..2000 {
            t.extend_from_slice(format!("<b n=\"{i}\">valeur {}</b>", i * 7 % 13).as_bytes());
        }
        t.extend_from_slice(b"</a>");
        t
    }

    #[test]
    fn a_part_is_inflated_whole_in_one_call_and_kept() {
        let t = text();
        let (bytes, _) = one_part(&t);
        let p = zip_package(&bytes).unwrap();
        assert_eq!(p.part("docProps/a.xml"), Some(t.as_slice()));
    }

    #[test]
    fn damaged_compressed_data_is_refused_as_damage_never_read() {
        let (bytes, range) = one_part(&text());
        // Every byte of the compressed data flipped in turn, then the data cut short: each
        // variant is refused as a damaged or lying part (never a panic, never accepted).
        let mut refused = 0;
        for at in range.clone().step_by(7) {
            let mut b = bytes.clone();
            b[at] ^= 0x5a;
            let r = zip(&b).expect_err("an altered part is refused");
            assert!(
                matches!(r.code, Code::E128 | Code::E129 | Code::E100),
                "{:?} {}",
                r.code,
                r.message
            );
            refused += 1;
        }
        assert!(refused > 10);
        // The compressed data cut in half, the headers unchanged: the stream ends early.
        let mut b = bytes[..range.start + range.len() / 2].to_vec();
        b.extend_from_slice(&bytes[range.end..]);
        assert!(zip(&b).is_err());
    }

    #[test]
    fn a_wrong_crc_over_an_intact_stream_is_said_as_such() {
        let t = text();
        let (bytes, _) = one_part(&t);
        let crc = crc32fast::hash(&t).to_le_bytes();
        let mut b = bytes.clone();
        // The CRC in both headers (local and central) changed.
        let mut n = 0;
        for i in 0..b.len() - 4 {
            if b[i..i + 4] == crc {
                b[i] ^= 1;
                n += 1;
            }
        }
        assert_eq!(n, 2);
        let r = zip(&b).unwrap_err();
        assert_eq!(r.code, Code::E129, "{}", r.message);
        assert!(r.message.contains("somme de contrôle"), "{}", r.message);
    }

    fn rec(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((body.len() as u16).to_le_bytes());
        r.extend(body);
        r
    }

    /// A BIFF8 stream: globals naming one sheet «S», then that sheet with a DIMENSIONS record
    /// of first row `rf`, row after the last `rl`, over columns 0 to 3. With `skipped`, the
    /// globals' EOF claims the whole sheet as its body: the chain of records from offset 0
    /// jumps over the sheet, which its BOUNDSHEET offset still points at.
    fn one_sheet(rf: u32, rl: u32, skipped: bool) -> Vec<u8> {
        let bof = rec(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let sheet_bof = rec(0x0809, &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0]);
        let mut dim = rf.to_le_bytes().to_vec();
        dim.extend(rl.to_le_bytes());
        dim.extend([0, 0, 4, 0, 0, 0]);
        let sheet = [sheet_bof, rec(0x0200, &dim), rec(0x000A, &[])].concat();
        let offset = bof.len() + (4 + 9) + 4;
        let mut bs = (offset as u32).to_le_bytes().to_vec();
        bs.extend([0, 0, 1, 0, b'S']);
        let mut eof = rec(0x000A, &[]);
        if skipped {
            eof[2..4].copy_from_slice(&(sheet.len() as u16).to_le_bytes());
        }
        [bof, rec(0x0085, &bs), eof, sheet].concat()
    }

    #[test]
    fn dimensions_are_counted_as_calamine_reserves_them() {
        let dim = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut b = rf.to_le_bytes().to_vec();
            b.extend(rl.to_le_bytes());
            b.extend(cf.to_le_bytes());
            b.extend(cl.to_le_bytes());
            b.extend([0, 0]);
            dimensions_reserve(&b)
        };
        assert_eq!(dim(0, 10, 0, 4), Some((10, 4)));
        // First row after the last: 32-bit arithmetic wraps round.
        assert_eq!(dim(100, 10, 0, 4), Some(((1 << 32) - 90, 4)));
        assert_eq!(dim(10, 10, 0, 4), Some((0, 4)));
        // Columns beyond 0xFF or after the last start at 0; an empty record is one cell.
        assert_eq!(dim(0, 1, 300, 4), Some((1, 4)));
        assert_eq!(dim(0, 0, 0, 0), Some((1, 1)));
        // A length calamine refuses is not counted.
        assert_eq!(dimensions_reserve(&[0; 12]), None);
        let short: Vec<u8> = [3u16, 8, 0, 2, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(dimensions_reserve(&short), Some((5, 2)));
    }

    #[test]
    fn each_sheet_is_checked_where_its_boundsheet_record_says_it_starts() {
        assert!(biff(&one_sheet(0, 20, false)).is_ok());
        assert_eq!(
            biff(&one_sheet(100, 10, false)).unwrap_err().code,
            Code::E132
        );
        // A sheet the chain from offset 0 never reaches is still checked, and named.
        assert!(biff(&one_sheet(0, 20, true)).is_ok());
        let r = biff(&one_sheet(0, u32::MAX, true)).unwrap_err();
        assert_eq!(r.code, Code::E132);
        assert!(
            r.message.starts_with("la feuille « S » annonce"),
            "{}",
            r.message
        );
        // A sheet past the end of the stream.
        let mut s = one_sheet(0, 20, false);
        s[16..20].copy_from_slice(&100_000u32.to_le_bytes());
        let r = biff(&s).unwrap_err();
        assert_eq!(r.code, Code::E100, "{}", r.message);
        assert!(
            r.message.contains("« S » commence à l'octet 100"),
            "{}",
            r.message
        );
    }

    #[test]
    fn sheets_starting_inside_one_another_are_refused_not_walked_again_and_again() {
        // 2 000 sheets, each one byte further into a long run of blank records: the reader
        // would walk the stream 2 000 times.
        let bof = rec(0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let n = 2000usize;
        let globals_len = bof.len() + n * (4 + 9) + 4;
        let mut s = bof;
        for k in 0..n {
            let mut bs = ((globals_len + 4 * k) as u32).to_le_bytes().to_vec();
            bs.extend([0, 0, 1, 0, b'S']);
            s.extend(rec(0x0085, &bs));
        }
        s.extend(rec(0x000A, &[]));
        for _ in 0..4 * n {
            s.extend(rec(0x0201, &[0, 0, 0, 0, 0, 0]));
        }
        let r = biff(&s).unwrap_err();
        assert_eq!(r.code, Code::E132, "{}", r.message);
        assert!(
            r.message.contains("commencent les unes dans les autres"),
            "{}",
            r.message
        );
    }

    /// A BIFF12 record: type and length as 7-bit groups, then the body.
    fn rec12(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = if typ < 0x80 {
            vec![typ as u8]
        } else {
            vec![(typ & 0x7F) as u8 | 0x80, (typ >> 7) as u8]
        };
        let mut n = body.len();
        loop {
            let b = (n & 0x7F) as u8;
            n >>= 7;
            r.push(if n > 0 { b | 0x80 } else { b });
            if n == 0 {
                break;
            }
        }
        r.extend(body);
        r
    }

    #[test]
    fn binary_sheet_cells_are_placed_as_calamine_places_them() {
        let row = |r: u32| rec12(0, &[r.to_le_bytes().as_slice(), &[0; 8]].concat());
        let cell = |c: u32| rec12(5, &[c.to_le_bytes().as_slice(), &[0; 12]].concat());
        let sheet = |recs: Vec<Vec<u8>>| {
            [
                vec![rec12(0x94, &[0; 16]), rec12(0x91, &[])],
                recs,
                vec![rec12(0x92, &[])],
            ]
            .concat()
            .concat()
        };
        assert!(biff12_sheet("s.bin", &sheet(vec![row(3), cell(2), cell(40)])).is_ok());
        let r = biff12_sheet("s.bin", &sheet(vec![row(3), cell(16_384)])).unwrap_err();
        assert!(r.message.contains("colonne 16\u{202f}385"), "{}", r.message);
        let r = biff12_sheet("s.bin", &sheet(vec![row(1_048_576), cell(0)])).unwrap_err();
        assert!(
            r.message.contains("ligne 1\u{202f}048\u{202f}577"),
            "{}",
            r.message
        );
        // A cell record too short to hold a column: calamine reads the previous record's
        // bytes left in its buffer, here those of a record that is not a cell.
        let other = rec12(0x25, &[0xFF, 0xFF, 0xFF, 0x00]);
        let short = rec12(5, &[1, 0]);
        let r = biff12_sheet("s.bin", &sheet(vec![row(2), other, short])).unwrap_err();
        assert!(
            r.message.contains("colonne 16\u{202f}711\u{202f}682"),
            "{}",
            r.message
        );
        // Records before BrtBeginSheetData and after BrtEndSheetData are not cells.
        let after = [sheet(vec![row(1)]), row(2_000_000), cell(99_999)].concat();
        assert!(biff12_sheet("s.bin", &after).is_ok());
        assert!(biff12_sheet("s.bin", &[cell(99_999), row(2_000_000)].concat()).is_ok());
        // A part cut in the middle of a record ends the walk, without a panic.
        let cut = sheet(vec![row(3), cell(2)]);
        for n in 0..cut.len() {
            let _ = biff12_sheet("s.bin", &cut[..n]);
        }
    }

    #[test]
    fn relationships_name_the_sheets_wherever_they_lie() {
        let rels = br#"<?xml version="1.0"?><Relationships xmlns="x">
            <Relationship Id="rId1" Type="http://x/relationships/worksheet" Target="worksheets/sheet1.xml"/>
            <Relationship Id='rId2' Type='http://x/relationships/worksheet' Target='donnees/feuille.xml'/>
            <Relationship Id="rId3" Type="http://x/relationships/worksheet" Target="/xl/autre/f&#46;xml"/>
            <Relationship Id="rId4" Type="http://x/relationships/styles" Target="styles.xml"/>
            <Relationship Id="rId5" Type="http://x/relationships/worksheet" Target="./a/../b/S.xml"/>
            <Relationship Id="rId6" Type="http://x/relationships/hyperlink" Target="../../../x" TargetMode="External"/>
        </Relationships>"#;
        let sheets = relationships("xl/_rels/workbook.xml.rels", rels)
            .unwrap()
            .sheets;
        for s in [
            "xl/worksheets/sheet1.xml",
            "xl/donnees/feuille.xml",
            "xl/autre/f.xml",
            "xl/./a/../b/s.xml",
            "xl/b/s.xml",
        ] {
            assert!(sheets.contains(&s.to_string()), "{s}: {sheets:?}");
        }
        assert!(!sheets.iter().any(|s| s.contains("styles")));
        let escape =
            br#"<Relationships><Relationship Type="t" Target="../../x.xml"/></Relationships>"#;
        let r = relationships("xl/_rels/workbook.xml.rels", escape).unwrap_err();
        assert_eq!(r.code, Code::E128);
    }
}

#[cfg(test)]
mod moved_parts {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("tests/fixtures/hostile/files/{name}")).unwrap()
    }

    #[test]
    fn shared_strings_named_elsewhere_are_put_where_calamine_reads_them() {
        for name in [
            "xlsx_moved_shared_strings.xlsx",
            "xlsx_shared_strings_decoy.xlsx",
        ] {
            let p = zip_package(&fixture(name)).unwrap();
            let sst = String::from_utf8_lossy(p.part("xl/sharedStrings.xml").expect(name));
            assert!(
                sst.contains("Galopins") && !sst.contains("LEURRE"),
                "{name}"
            );
            assert!(p.part("xl/textes/partages.xml").is_none(), "{name}");
            let book =
                crate::workbook::grid::open_in(Ok(super::super::Format::Xlsx), Some(&p), &[], None)
                    .unwrap();
            assert!(format!("{:?}", book.sheets).contains("Galopins"), "{name}");
        }
        let p = zip_package(&fixture("xlsx_moved_styles.xlsx")).unwrap();
        assert!(p.part("xl/styles.xml").is_some());
    }
}
