//! A zip package the audit passed, held once for every reader of the file: its parts were
//! inflated once, their CRCs checked, and they are laid out again as a stored (uncompressed)
//! zip, so calamine reads them without inflating them a second time and ctg's own small
//! readers (document properties, the annotated copy's mark, percentage cells) take a part
//! as a slice, without opening the archive again.
//!
//! The stored zip is written here rather than with the zip crate's writer: each part's CRC
//! is already known (checked while inflating), and the writer would compute it again and
//! move its state between parts — a tenth of the reading time of a return in the page's
//! WebAssembly, where CRC-32 has no hardware help (measured: `GenericZipWriter::switch_to`
//! 6.5 % and `crc32fast` 4 % of a return). The layout is the plain one of APPNOTE 4.3:
//! local header and data per part, then the central directory and its end record; no
//! ZIP64 is ever needed (the audit caps a package at 512 MiB and 20 000 parts).

/// Cells of a worksheet that hold a number and carry a cell style: (row, column) 0-based,
/// and the style index (`s`). Percentages are found among them.
pub type StyledNumbers = Vec<(u32, u32, u32)>;

/// One part: its name as the archive spells it (`raw`) and with `/` separators (`name`),
/// where its bytes are in the stored zip, its CRC-32.
#[derive(Debug, Clone)]
struct Part {
    name: String,
    raw: String,
    start: usize,
    len: usize,
    crc: u32,
}

/// The audited package: the stored zip and its parts.
#[derive(Debug, Clone, Default)]
pub struct Package {
    bytes: Vec<u8>,
    parts: Vec<Part>,
    styled: Vec<(String, StyledNumbers)>,
}

/// One part handed to [`Package::build`].
pub(crate) struct Entry {
    pub name: String,
    pub raw: String,
    pub crc: u32,
    pub data: Vec<u8>,
    pub styled: Option<StyledNumbers>,
}

/// 1980-01-01 00:00, the earliest date a zip header can hold (the parts' dates do not matter
/// to any reader: the stored zip never leaves memory).
const DOS_DATE: u16 = 0x0021;
/// Bit 11: the name is UTF-8 (the names come from the zip crate, decoded).
const UTF8_NAME: u16 = 0x0800;

impl Package {
    pub(crate) fn build(entries: Vec<Entry>) -> Package {
        let data_len: usize = entries
            .iter()
            .map(|e| e.data.len() + 2 * e.raw.len() + 30 + 46)
            .sum();
        let mut out: Vec<u8> = Vec::with_capacity(data_len + 22);
        let mut parts = Vec::with_capacity(entries.len());
        let mut styled = Vec::new();
        let mut offsets = Vec::with_capacity(entries.len());
        for e in entries {
            offsets.push(out.len() as u32);
            header(
                &mut out,
                0x0403_4b50,
                &e.raw,
                e.crc,
                e.data.len() as u32,
                None,
            );
            parts.push(Part {
                start: out.len(),
                len: e.data.len(),
                name: e.name.clone(),
                raw: e.raw,
                crc: e.crc,
            });
            out.extend_from_slice(&e.data);
            if let Some(s) = e.styled {
                styled.push((e.name, s));
            }
        }
        let directory = out.len() as u32;
        for (p, offset) in parts.iter().zip(&offsets) {
            header(
                &mut out,
                0x0201_4b50,
                &p.raw,
                p.crc,
                p.len as u32,
                Some(*offset),
            );
        }
        let directory_len = out.len() as u32 - directory;
        let n = parts.len() as u16;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&directory_len.to_le_bytes());
        out.extend_from_slice(&directory.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        Package {
            bytes: out,
            parts,
            styled,
        }
    }

    /// The stored zip, for calamine.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A part's bytes, by its name (`/` separators, as written in the archive).
    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| &self.bytes[p.start..p.start + p.len])
    }

    /// A part as text; `None` when absent or not UTF-8.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.part(name).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Whether a part of that name exists, whatever the case of its letters.
    pub fn has(&self, name: &str) -> bool {
        self.parts.iter().any(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Every part's name as the archive spells it, and its CRC-32, in archive order.
    pub fn crcs(&self) -> impl Iterator<Item = (&str, u32)> {
        self.parts.iter().map(|p| (p.raw.as_str(), p.crc))
    }

    /// The numeric styled cells of an .xlsx worksheet part, noted by the audit's scan.
    pub fn styled_numbers(&self, part: &str) -> Option<&StyledNumbers> {
        self.styled.iter().find(|(n, _)| n == part).map(|(_, s)| s)
    }

    /// When the partner last saved the file (see [`super::saved_date`]).
    pub fn saved_date(&self) -> Option<String> {
        super::saved_date_in(|part| self.text(part).map(str::to_string))
    }
}

/// A local header (`offset` = `None`) or a central directory header for a stored part.
fn header(out: &mut Vec<u8>, signature: u32, name: &str, crc: u32, len: u32, offset: Option<u32>) {
    out.extend_from_slice(&signature.to_le_bytes());
    if offset.is_some() {
        out.extend_from_slice(&20u16.to_le_bytes()); // made by: APPNOTE 2.0
    }
    out.extend_from_slice(&20u16.to_le_bytes()); // needed to extract
    out.extend_from_slice(&UTF8_NAME.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // stored
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&DOS_DATE.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra field
    if let Some(offset) = offset {
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        out.extend_from_slice(&0u16.to_le_bytes()); // disk
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        out.extend_from_slice(&offset.to_le_bytes());
    }
    out.extend_from_slice(name.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_stored_zip_reads_back_with_the_zip_crate_crcs_checked() {
        let parts = [
            ("[Content_Types].xml", b"<Types/>".to_vec()),
            (
                "xl/workbook.xml",
                "<workbook>é</workbook>".as_bytes().to_vec(),
            ),
            ("docProps/café.xml", Vec::new()),
        ];
        let entries = parts
            .iter()
            .map(|(n, d)| Entry {
                name: n.to_string(),
                raw: n.to_string(),
                crc: crc32fast::hash(d),
                data: d.clone(),
                styled: None,
            })
            .collect();
        let p = Package::build(entries);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(p.bytes())).unwrap();
        assert_eq!(z.len(), 3);
        for (n, d) in &parts {
            let mut f = z.by_name(n).unwrap();
            assert_eq!(f.compression(), zip::CompressionMethod::Stored);
            let mut back = Vec::new();
            f.read_to_end(&mut back).unwrap();
            assert_eq!(&back, d);
            assert_eq!(p.part(n), Some(d.as_slice()));
        }
        assert_eq!(p.text("xl/workbook.xml"), Some("<workbook>é</workbook>"));
        assert!(p.has("XL/WORKBOOK.XML"));
        assert!(p.part("xl/absent.xml").is_none());
    }

    #[test]
    fn a_wrong_crc_is_caught_by_the_reader_of_the_stored_zip() {
        let p = Package::build(vec![Entry {
            name: "a.xml".into(),
            raw: "a.xml".into(),
            crc: 1,
            data: b"<a/>".to_vec(),
            styled: None,
        }]);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(p.bytes())).unwrap();
        let mut s = String::new();
        assert!(z.by_name("a.xml").unwrap().read_to_string(&mut s).is_err());
    }
}
