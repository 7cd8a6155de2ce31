//! A small WordprocessingML writer: what the convention needs, nothing more — heading
//! styles with outline levels (navigation pane, table of contents), a pre-filled TOC field,
//! tables with merged cells, sections (landscape pages), a «Page X sur Y» footer in every
//! section, images, and document properties. Output is deterministic.

use std::io::Write;

use crate::error::{Error, Result};

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // Characters XML 1.0 forbids are dropped rather than producing a corrupt file.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// Text runs with line breaks (`\n` → `<w:br/>`) and tabs kept, in French typography
/// (non-breaking spaces: [`crate::fr::typo`]).
fn runs(text: &str, bold: bool) -> String {
    runs_sized(text, bold, None)
}

/// [`runs`] in a given size (half-points).
fn runs_sized(text: &str, bold: bool, size: Option<u32>) -> String {
    let b = if bold { "<w:b/>" } else { "" };
    let sz = size.map_or(String::new(), |s| {
        format!("<w:sz w:val=\"{s}\"/><w:szCs w:val=\"{s}\"/>")
    });
    let rpr = if bold || size.is_some() {
        format!("<w:rPr>{b}{sz}</w:rPr>")
    } else {
        String::new()
    };
    let mut out = String::new();
    let text = crate::fr::typo(text);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(&format!("<w:r>{rpr}<w:br/></w:r>"));
        }
        out.push_str(&format!(
            "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
            esc(line)
        ));
    }
    out
}

/// A table cell: its paragraphs, and how it is merged.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub paragraphs: Vec<String>,
    pub bold: bool,
    pub shade: Option<&'static str>,
    pub span: u32,
    /// `Some(true)` starts a vertical merge, `Some(false)` continues it.
    pub vmerge: Option<bool>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell {
            paragraphs: vec![s.into()],
            span: 1,
            ..Default::default()
        }
    }
    pub fn lines(lines: Vec<String>) -> Self {
        Cell {
            paragraphs: if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            },
            span: 1,
            ..Default::default()
        }
    }
    pub fn head(s: impl Into<String>) -> Self {
        Cell {
            bold: true,
            shade: Some("DCE6F1"),
            ..Cell::text(s)
        }
    }
    pub fn label(s: impl Into<String>) -> Self {
        Cell {
            bold: true,
            shade: Some("F2F2F2"),
            ..Cell::text(s)
        }
    }
    pub fn span(mut self, n: u32) -> Self {
        self.span = n;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// An image to embed (PNG or JPEG), with its size in EMU.
pub struct Image {
    pub name: String,
    pub bytes: Vec<u8>,
    pub cx: u64,
    pub cy: u64,
}

/// A heading, kept for the pre-filled table of contents.
struct Heading {
    level: u8,
    text: String,
    bookmark: String,
}

pub struct Doc {
    body: String,
    headings: Vec<Heading>,
    images: Vec<Image>,
    toc_at: Option<usize>,
    orientation: Orientation,
    /// Sections ended so far (the first one holds the cover).
    sections: usize,
    /// Page of each Sommaire entry, when known (from a first rendering).
    toc_pages: Vec<u32>,
}

pub struct Properties {
    pub title: String,
    pub subject: String,
    pub author: String,
    /// ISO date-time (fixed for reproducible output).
    pub date: String,
}

const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;

/// How a table is laid out beyond its cells.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Kept on one page (every row with the next one).
    pub keep_together: bool,
    /// Minimum row height, in twips (567 a centimetre).
    pub min_row_height: Option<u32>,
    /// Text size in half-points (18 = 9 pt) for dense tables.
    pub font_size: Option<u32>,
}
const MARGIN: u32 = 1_134;

impl Default for Doc {
    fn default() -> Self {
        Self::new()
    }
}

impl Doc {
    pub fn new() -> Self {
        Doc {
            body: String::new(),
            headings: Vec::new(),
            images: Vec::new(),
            toc_at: None,
            orientation: Orientation::Portrait,
            sections: 0,
            toc_pages: Vec::new(),
        }
    }

    /// Text width of the current section, in twips.
    pub fn text_width(&self) -> u32 {
        match self.orientation {
            Orientation::Portrait => PAGE_W - 2 * MARGIN,
            Orientation::Landscape => PAGE_H - 2 * MARGIN,
        }
    }

    pub fn heading(&mut self, level: u8, text: &str) {
        let bookmark = format!("_Toc{:06}", self.headings.len() + 1);
        let id = self.headings.len() + 1;
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading{level}\"/></w:pPr><w:bookmarkStart w:id=\"{id}\" w:name=\"{bookmark}\"/>{}<w:bookmarkEnd w:id=\"{id}\"/></w:p>",
            runs(text, false)
        ));
        self.headings.push(Heading {
            level,
            text: text.to_string(),
            bookmark,
        });
    }

    pub fn styled(&mut self, style: &str, text: &str) {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
            runs(text, false)
        ));
    }

    pub fn para(&mut self, text: &str) {
        self.body
            .push_str(&format!("<w:p>{}</w:p>", runs(text, false)));
    }

    /// A paragraph kept on the page of what follows («Fait à …» above the signatures).
    pub fn para_kept_with_next(&mut self, text: &str) {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:keepNext/></w:pPr>{}</w:p>",
            runs(text, false)
        ));
    }

    pub fn bold_para(&mut self, text: &str) {
        self.body
            .push_str(&format!("<w:p>{}</w:p>", runs(text, true)));
    }

    pub fn centered(&mut self, text: &str, size_half_points: u32, bold: bool) {
        let b = if bold { "<w:b/>" } else { "" };
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr>{b}<w:sz w:val=\"{size_half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(&crate::fr::typo(text))
        ));
    }

    /// An item of a bulleted list: Word numbering (the dash is the list's, not typed text),
    /// set on the paragraph as Word does, not only in the style.
    pub fn bullet(&mut self, text: &str) {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"ListBullet\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{}</w:p>",
            runs(text, false)
        ));
    }

    pub fn page_break(&mut self) {
        self.body
            .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    /// The Sommaire's entries (headings of levels 1 and 2), in order.
    pub fn toc_entries(&self) -> Vec<String> {
        self.headings
            .iter()
            .filter(|h| h.level <= 2)
            .map(|h| h.text.clone())
            .collect()
    }

    /// The page of each Sommaire entry, written after it with a dot leader.
    pub fn set_toc_pages(&mut self, pages: &[u32]) {
        self.toc_pages = pages.to_vec();
    }

    /// Where the table of contents goes (filled in at the end, once headings are known).
    pub fn toc_here(&mut self) {
        self.toc_at = Some(self.body.len());
    }

    pub fn image(&mut self, img: Image) {
        self.images_row(vec![img]);
    }

    /// Images side by side in one centred paragraph (the logos of the cover).
    pub fn images_row(&mut self, imgs: Vec<Image>) {
        if imgs.is_empty() {
            return;
        }
        let mut p = String::from("<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>");
        for (i, img) in imgs.into_iter().enumerate() {
            if i > 0 {
                p.push_str("<w:r><w:t xml:space=\"preserve\">      </w:t></w:r>");
            }
            p.push_str(&self.drawing(&img));
            self.images.push(img);
        }
        p.push_str("</w:p>");
        self.body.push_str(&p);
    }

    fn drawing(&self, img: &Image) -> String {
        let n = self.images.len() + 1;
        let (cx, cy) = (img.cx, img.cy);
        format!(
            "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"Logo {n}\"/><a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"{}\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImg{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>",
            esc(&img.name)
        )
    }

    /// A table; `widths` in twips, one per grid column. A first row of header cells is
    /// repeated on each page and kept with the next row.
    pub fn table(&mut self, widths: &[u32], rows: &[Vec<Cell>]) {
        self.table_with(widths, rows, &TableOptions::default());
    }

    /// [`Doc::table`] with options (a table kept on one page, a minimum row height).
    pub fn table_with(&mut self, widths: &[u32], rows: &[Vec<Cell>], o: &TableOptions) {
        let mut t = String::from(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
        );
        for w in widths {
            t.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        t.push_str("</w:tblGrid>");
        // Leading rows of header cells (a grouped header takes two) repeat on each page.
        let header_rows = rows
            .iter()
            .take_while(|r| !r.is_empty() && r.iter().all(|c| c.bold && c.shade.is_some()))
            .count();
        for (ri, row) in rows.iter().enumerate() {
            let height = match o.min_row_height {
                Some(h) => format!("<w:trHeight w:val=\"{h}\" w:hRule=\"atLeast\"/>"),
                None => String::new(),
            };
            let repeat = if ri < header_rows {
                "<w:tblHeader/>"
            } else {
                ""
            };
            t.push_str(&format!(
                "<w:tr><w:trPr><w:cantSplit/>{height}{repeat}</w:trPr>"
            ));
            // Paragraphs kept with the next row: a header row never ends a page alone, a
            // table kept together never splits.
            let keep = ri < header_rows || (o.keep_together && ri + 1 < rows.len());
            let mut col = 0usize;
            for c in row {
                let span = c.span.max(1) as usize;
                let w: u32 = widths.iter().skip(col).take(span).sum();
                col += span;
                t.push_str(&format!(
                    "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>"
                ));
                if span > 1 {
                    t.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
                }
                match c.vmerge {
                    Some(true) => t.push_str("<w:vMerge w:val=\"restart\"/>"),
                    Some(false) => t.push_str("<w:vMerge/>"),
                    None => {}
                }
                if let Some(fill) = c.shade {
                    t.push_str(&format!(
                        "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{fill}\"/>"
                    ));
                }
                t.push_str("</w:tcPr>");
                let keep_next = if keep { "<w:keepNext/>" } else { "" };
                for p in &c.paragraphs {
                    t.push_str(&format!(
                        "<w:p><w:pPr>{keep_next}<w:spacing w:after=\"40\"/></w:pPr>{}</w:p>",
                        runs_sized(p, c.bold, o.font_size)
                    ));
                }
                t.push_str("</w:tc>");
            }
            t.push_str("</w:tr>");
        }
        t.push_str("</w:tbl><w:p/>");
        self.body.push_str(&t);
    }

    /// A section's properties; the first section's first page (the cover) has an empty
    /// footer.
    fn sect_pr(o: Orientation, first: bool) -> String {
        let (w, h, orient) = match o {
            Orientation::Portrait => (PAGE_W, PAGE_H, ""),
            Orientation::Landscape => (PAGE_H, PAGE_W, " w:orient=\"landscape\""),
        };
        let (cover, title_pg) = if first {
            (
                "<w:footerReference w:type=\"first\" r:id=\"rIdFooterCover\"/>",
                "<w:titlePg/>",
            )
        } else {
            ("", "")
        };
        format!(
            "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>{cover}<w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/><w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>{title_pg}</w:sectPr>"
        )
    }

    /// Ends the current section (with its orientation) and starts one in `next`.
    pub fn section(&mut self, next: Orientation) {
        self.body.push_str(&format!(
            "<w:p><w:pPr>{}</w:pPr></w:p>",
            Self::sect_pr(self.orientation, self.sections == 0)
        ));
        self.sections += 1;
        self.orientation = next;
    }

    fn toc(&self) -> String {
        let mut t = String::from(
            "<w:p><w:pPr><w:pStyle w:val=\"TOCHeading\"/></w:pPr><w:r><w:t>Sommaire</w:t></w:r></w:p>",
        );
        let n = self.headings.iter().filter(|h| h.level <= 2).count();
        for (i, h) in self.headings.iter().filter(|h| h.level <= 2).enumerate() {
            let begin = if i == 0 {
                "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
            } else {
                ""
            };
            let end = if i + 1 == n {
                "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
            } else {
                ""
            };
            let page = match self.toc_pages.get(i) {
                Some(p) => format!("<w:r><w:tab/></w:r><w:r><w:t>{p}</w:t></w:r>"),
                None => String::new(),
            };
            t.push_str(&format!(
                "<w:p><w:pPr><w:pStyle w:val=\"TOC{}\"/><w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9638\"/></w:tabs></w:pPr>{begin}<w:hyperlink w:anchor=\"{}\" w:history=\"1\">{}{page}</w:hyperlink>{end}</w:p>",
                h.level,
                h.bookmark,
                runs(&h.text, false)
            ));
        }
        t
    }

    /// The .docx bytes.
    pub fn finish(mut self, props: &Properties) -> Result<Vec<u8>> {
        if let Some(at) = self.toc_at {
            let toc = self.toc();
            self.body.insert_str(at, &toc);
        }
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"><w:body>{}{}</w:body></w:document>",
            self.body,
            Self::sect_pr(self.orientation, self.sections == 0)
        );
        let mut rels = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/><Relationship Id=\"rIdFooterCover\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/><Relationship Id=\"rIdNumbering\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/><Relationship Id=\"rIdFonts\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/><Relationship Id=\"rIdTheme\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>",
        );
        for (i, img) in self.images.iter().enumerate() {
            rels.push_str(&format!("<Relationship Id=\"rIdImg{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/{}\"/>", i + 1, esc(&img.name)));
        }
        rels.push_str("</Relationships>");
        let buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
            z.start_file(name, opts)
                .map_err(|e| Error::Invalid(format!("écriture du document : {e}")))?;
            z.write_all(bytes)
                .map_err(|e| Error::Invalid(format!("écriture du document : {e}")))
        };
        add("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
        add("_rels/.rels", ROOT_RELS.as_bytes())?;
        add("docProps/core.xml", core(props).as_bytes())?;
        add("docProps/app.xml", APP.as_bytes())?;
        add("word/document.xml", document.as_bytes())?;
        add("word/_rels/document.xml.rels", rels.as_bytes())?;
        add("word/styles.xml", STYLES.as_bytes())?;
        add("word/settings.xml", SETTINGS.as_bytes())?;
        add("word/footer1.xml", FOOTER.as_bytes())?;
        add("word/footer2.xml", FOOTER_COVER.as_bytes())?;
        add("word/numbering.xml", NUMBERING.as_bytes())?;
        add("word/fontTable.xml", FONTS.as_bytes())?;
        add("word/theme/theme1.xml", THEME.as_bytes())?;
        for img in &self.images {
            add(&format!("word/media/{}", img.name), &img.bytes)?;
        }
        let buf = z
            .finish()
            .map_err(|e| Error::Invalid(format!("écriture du document : {e}")))?;
        Ok(buf.into_inner())
    }
}

fn core(p: &Properties) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified><dc:language>fr-FR</dc:language></cp:coreProperties>",
        esc(&p.title),
        esc(&p.subject),
        esc(&p.author),
        esc(&p.author),
        esc(&p.date),
        esc(&p.date)
    )
}

/// Size of a PNG or JPEG image in pixels.
pub fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") && b.len() >= 24 {
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        return Some((w, h));
    }
    if b.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 9 < b.len() {
            if b[i] != 0xFF {
                return None;
            }
            let marker = b[i + 1];
            let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
                let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
                return Some((w, h));
            }
            i += 2 + len;
        }
    }
    None
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"jpg\" ContentType=\"image/jpeg\"/><Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/><Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>ctg</Application></Properties>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:defaultTabStop w:val=\"708\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>";

const FOOTER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Page </w:t></w:r><w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space=\"preserve\"> sur </w:t></w:r><w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>";

const FOOTER_COVER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr></w:p></w:ftr>";

/// One bulleted list («–» at the left margin), used by the `ListBullet` style.
const NUMBERING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"–\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"567\" w:hanging=\"283\"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";

/// The fonts the document uses, with metric-compatible substitutes named, so that Word and
/// LibreOffice lay out the same lines (Calibri ≈ Carlito, Cambria ≈ Caladea).
const FONTS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:font w:name=\"Calibri\"><w:altName w:val=\"Carlito\"/><w:panose1 w:val=\"020F0502020204030204\"/><w:charset w:val=\"00\"/><w:family w:val=\"swiss\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Cambria\"><w:altName w:val=\"Caladea\"/><w:panose1 w:val=\"02040503050406030204\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font><w:font w:name=\"Times New Roman\"><w:altName w:val=\"Liberation Serif\"/><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>";

/// A minimal theme (Word requires the part): Office colours, Calibri/Cambria.
const THEME: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"ctg\"><a:themeElements><a:clrScheme name=\"ctg\"><a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1><a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1><a:dk2><a:srgbClr val=\"1F3864\"/></a:dk2><a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2><a:accent1><a:srgbClr val=\"2F5496\"/></a:accent1><a:accent2><a:srgbClr val=\"ED7D31\"/></a:accent2><a:accent3><a:srgbClr val=\"A5A5A5\"/></a:accent3><a:accent4><a:srgbClr val=\"FFC000\"/></a:accent4><a:accent5><a:srgbClr val=\"5B9BD5\"/></a:accent5><a:accent6><a:srgbClr val=\"70AD47\"/></a:accent6><a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink><a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink></a:clrScheme><a:fontScheme name=\"ctg\"><a:majorFont><a:latin typeface=\"Cambria\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont><a:minorFont><a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont></a:fontScheme><a:fmtScheme name=\"ctg\"><a:fillStyleLst><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w=\"6350\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln><a:ln w=\"12700\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln><a:ln w=\"19050\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>";

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"Calibri\" w:cs=\"Calibri\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"fr-FR\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"480\" w:after=\"480\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"48\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"360\" w:after=\"160\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"30\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"2F5496\"/><w:sz w:val=\"26\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"200\" w:after=\"80\"/><w:jc w:val=\"left\"/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"23\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOCHeading\"><w:name w:val=\"TOC Heading\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"240\" w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"30\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOC1\"><w:name w:val=\"toc 1\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"60\"/><w:jc w:val=\"left\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TOC2\"><w:name w:val=\"toc 2\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"40\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr><w:spacing w:after=\"60\"/><w:ind w:left=\"567\" w:hanging=\"283\"/><w:jc w:val=\"left\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/><w:rPr><w:sz w:val=\"18\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"/></w:tblBorders><w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
</w:styles>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden_characters() {
        assert_eq!(esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn png_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(200u32.to_be_bytes());
        png.extend(80u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((200, 80)));
        assert_eq!(image_size(b"GIF89a"), None);
    }

    #[test]
    fn document_is_a_valid_package() {
        let mut d = Doc::new();
        d.toc_here();
        d.heading(1, "Article 1");
        d.para("texte");
        d.section(Orientation::Landscape);
        d.table(&[2000, 3000], &[vec![Cell::head("a"), Cell::text("b")]]);
        let bytes = d
            .finish(&Properties {
                title: "t".into(),
                subject: "s".into(),
                author: "Caf".into(),
                date: "2026-01-01T00:00:00Z".into(),
            })
            .unwrap();
        assert_eq!(
            crate::container::sniff(&bytes),
            Ok(crate::container::Format::Docx)
        );
    }
}
