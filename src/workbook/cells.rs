//! Tolerant parsing of what partners type in cells: French numbers («1 200,50 €»), dates
//! («15/03/2026», serials, ISO), yes/no («x», ☒), list values off the dropdown.
//!
//! A cell gives either a JSON value for the model (plus an optional info notice) or a
//! problem with its rule code; the caller locates it and adds the raw value.

use crate::codes::Code;
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use super::layout::Kind;
use crate::referentials::Match;

/// A cell, as read from any format and as written: the one cell-value type of the workbook
/// pipeline (reader, validator, annotated copy, consolidated workbook, writer).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// An Excel date serial (days since 1899-12-30), from a date-formatted cell.
    Date(f64),
    /// An ISO date or date-time string (as .ods files store dates).
    IsoDate(String),
    /// `#DIV/0!`, `#REF!`…
    Error(String),
}

impl Cell {
    /// The cell as ctg writes it back: numbers and dates kept, anything else as its text.
    pub fn writable(&self) -> Cell {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Number(n) => Cell::Number(*n),
            Cell::Date(d) => Cell::Date(*d),
            Cell::Text(s) if s.is_empty() => Cell::Empty,
            Cell::Text(s) => Cell::Text(s.clone()),
            other => Cell::Text(other.display()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The raw value as a partner would read it, for messages.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => fmt_number(*n),
            Cell::Bool(b) => if *b { "VRAI" } else { "FAUX" }.into(),
            Cell::Date(d) => serial_to_date(*d)
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| d.to_string()),
            // .ods stores a typed date as ISO; shown as the partner typed it, like from .xlsx.
            Cell::IsoDate(s) => s
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .filter(|_| s.len() == 10 || s[10..].trim_start_matches('T') == "00:00:00")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| s.clone()),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// What went wrong with a cell: the rule code and a French explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: Code,
    pub message: String,
}

fn problem(code: Code, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
    }
}

/// A parsed cell: its JSON value and, when the value was inferred, an info notice.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    pub notice: Option<Problem>,
}

fn ok(value: Value) -> Result<Parsed, Problem> {
    Ok(Parsed {
        value,
        notice: None,
    })
}

pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Parses a cell for a column. An empty cell gives the column's empty value (empty text,
/// `null`, `false`); whether it may be empty is the caller's check.
pub fn parse(kind: Kind, raw: &Cell) -> Result<Parsed, Problem> {
    if let Cell::Error(e) = raw {
        return Err(problem(
            Code::E124,
            format!("la cellule contient une erreur de calcul ({e})"),
        ));
    }
    if raw.is_empty() {
        return ok(match kind {
            Kind::Text | Kind::LongText | Kind::Code | Kind::Quarter => {
                Value::String(String::new())
            }
            Kind::YesNo => Value::Bool(false),
            _ => Value::Null,
        });
    }
    match kind {
        Kind::Text | Kind::LongText => ok(Value::String(text(raw))),
        Kind::Code => ok(Value::String(code(raw))),
        Kind::Whole => {
            let n = number(raw)?;
            if n.fract() != 0.0 {
                return Err(problem(
                    Code::E108,
                    format!("un nombre entier est attendu, pas {}", crate::fr::plain(n)),
                ));
            }
            if n < 0.0 {
                return Err(problem(
                    Code::E123,
                    "une valeur positive ou nulle est attendue",
                ));
            }
            if n > u32::MAX as f64 {
                return Err(problem(Code::E108, "nombre trop grand"));
            }
            ok(Value::from(n as u64))
        }
        Kind::Decimal | Kind::Percent => {
            let n = number(raw)?;
            if n < 0.0 {
                return Err(problem(
                    Code::E123,
                    "une valeur positive ou nulle est attendue",
                ));
            }
            ok(serde_json::Number::from_f64(n)
                .map(Value::Number)
                .unwrap_or(Value::Null))
        }
        Kind::Year => {
            let y = match raw {
                Cell::Date(d) => serial_to_date(*d).map(|d| d.year() as f64).unwrap_or(-1.0),
                _ => number(raw)
                    .map_err(|_| problem(Code::E110, "une année sur 4 chiffres est attendue"))?,
            };
            if y.fract() != 0.0 || !(1900.0..=2200.0).contains(&y) {
                return Err(problem(Code::E110, "une année sur 4 chiffres est attendue"));
            }
            ok(Value::from(y as i64))
        }
        Kind::Date => date(raw)
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .map(|v| Parsed {
                value: v,
                notice: None,
            }),
        Kind::Quarter => {
            let norm = crate::fr::Quarter::parse_lenient(&text(raw))
                .map(|q| q.to_string())
                .ok_or_else(|| {
                    problem(Code::E111, "un trimestre de la forme 2026-T1 est attendu")
                })?;
            ok(Value::String(norm))
        }
        Kind::YesNo => yes_no(raw).map(Value::Bool).map(|v| Parsed {
            value: v,
            notice: None,
        }),
        Kind::Ref(list) => {
            let t = text(raw);
            match list.matches(&t) {
                Match::Exact(code) => ok(Value::String(code.into())),
                Match::Close(code) => Ok(Parsed {
                    value: Value::String(code.into()),
                    notice: Some(problem(
                        Code::I113,
                        format!(
                            "« {t} » n'est pas dans la liste « {} » : compris comme « {} »",
                            list.title(),
                            list.label_of(code).unwrap_or(code)
                        ),
                    )),
                }),
                Match::Ambiguous(codes) => {
                    let labels: Vec<&str> = codes.iter().filter_map(|c| list.label_of(c)).collect();
                    Err(problem(
                        Code::E112,
                        format!(
                            "« {t} » peut désigner plusieurs valeurs de la liste « {} » : {}",
                            list.title(),
                            labels.join(" ; ")
                        ),
                    ))
                }
                Match::None => Err(problem(
                    Code::E112,
                    format!(
                        "« {t} » n'est pas une valeur de la liste « {} »",
                        list.title()
                    ),
                )),
            }
        }
    }
}

/// Text as typed: Windows line breaks unified, spaces around it dropped; a leading tab or
/// carriage return is kept (it is the partner's text, and dropping it could turn a harmless
/// «\t=1+3» into a formula-like «=1+3»).
fn text(raw: &Cell) -> String {
    match raw {
        Cell::Text(s) => s
            .replace("\r\n", "\n")
            .trim_matches(|c: char| c == ' ' || c == '\u{a0}' || c == '\n')
            .to_string(),
        other => other.display(),
    }
}

/// Codes stay text; a code typed as a number lost its leading zeros: 1001 → «01001».
fn code(raw: &Cell) -> String {
    match raw {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
            let s = format!("{}", *n as u64);
            // 4 digits: an INSEE code of departments 01-09; 8 digits: a SIREN starting with 0.
            if s.len() == 4 || s.len() == 8 {
                format!("0{s}")
            } else {
                s
            }
        }
        other => text(other),
    }
}

/// French and international number writings: «1,5», «1 200», «1 200,50 €», «12 %».
pub fn number(raw: &Cell) -> Result<f64, Problem> {
    match raw {
        Cell::Number(n) => Ok(*n),
        Cell::Bool(_) | Cell::Date(_) | Cell::IsoDate(_) => {
            Err(problem(Code::E108, "un nombre est attendu"))
        }
        _ => {
            let t = text(raw);
            parse_french_number(&t)
                .ok_or_else(|| problem(Code::E108, format!("« {t} » n'est pas un nombre")))
        }
    }
}

pub fn parse_french_number(t: &str) -> Option<f64> {
    let cleaned: String = t
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '€' | '%' | '\''
            )
        })
        .collect();
    let cleaned = cleaned.trim_end_matches("EUR").trim_end_matches("euros");
    if cleaned.is_empty() {
        return None;
    }
    let normalised = match (cleaned.contains(','), cleaned.contains('.')) {
        (true, true) => cleaned.replace('.', "").replace(',', "."), // 1.200,50
        (true, false) => cleaned.replace(',', "."),
        _ => cleaned.to_string(),
    };
    if !normalised
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
    {
        return None;
    }
    normalised.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Excel serial (1900 system, with its 1900-02-29 bug) to a date.
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(Duration::days(serial.floor() as i64))
}

pub fn date_to_serial(d: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
    (d - base).num_days() as f64
}

fn date(raw: &Cell) -> Result<NaiveDate, Problem> {
    let bad = |t: &str| {
        problem(
            Code::E109,
            format!("« {t} » n'est pas une date (jj/mm/aaaa)"),
        )
    };
    match raw {
        Cell::Date(s) | Cell::Number(s) => serial_to_date(*s).ok_or_else(|| bad(&raw.display())),
        Cell::IsoDate(s) => {
            NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map_err(|_| bad(s))
        }
        _ => {
            let t = text(raw);
            parse_french_date(&t).ok_or_else(|| bad(&t))
        }
    }
}

pub fn parse_french_date(t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    let head = t.split([' ', 'T']).next().unwrap_or(t);
    for fmt in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"] {
        if let Ok(d) = NaiveDate::parse_from_str(head, fmt)
            && (1900..=2200).contains(&d.year())
        {
            return Some(d);
        }
    }
    None
}

fn yes_no(raw: &Cell) -> Result<bool, Problem> {
    match raw {
        Cell::Bool(b) => Ok(*b),
        Cell::Number(n) if *n == 1.0 => Ok(true),
        Cell::Number(n) if *n == 0.0 => Ok(false),
        _ => {
            let t = text(raw);
            match crate::referentials::normalize(&t).as_str() {
                "oui" | "o" | "x" | "vrai" | "true" | "yes" | "1" => Ok(true),
                "non" | "n" | "faux" | "false" | "no" | "0" => Ok(false),
                _ if t.contains('☒') || t.contains('☑') || t.contains('✓') || t.contains('✔') => {
                    Ok(true)
                }
                _ if t.contains('☐') => Ok(false),
                _ => Err(problem(
                    Code::E114,
                    format!("« {t} » : répondez oui ou non"),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workbook::layout::RefList;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn a_date_in_a_text_column_reads_the_same_from_xlsx_and_ods() {
        let from_xlsx = Cell::Date(date_to_serial(
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        ));
        let from_ods = Cell::IsoDate("2026-10-01".into());
        let from_ods_time = Cell::IsoDate("2026-10-01T00:00:00".into());
        let a = parse(Kind::LongText, &from_xlsx).unwrap().value;
        assert_eq!(a, Value::String("01/10/2026".into()));
        assert_eq!(parse(Kind::LongText, &from_ods).unwrap().value, a);
        assert_eq!(parse(Kind::LongText, &from_ods_time).unwrap().value, a);
        // A date with a time of day stays as it was written.
        assert_eq!(
            Cell::IsoDate("2026-10-01T14:30:00".into()).display(),
            "2026-10-01T14:30:00"
        );
    }

    #[test]
    fn years_are_four_digits() {
        assert_eq!(
            parse(Kind::Year, &t("2027")).unwrap().value,
            Value::from(2027)
        );
        for bad in ["deux mille", "27", "2027,5"] {
            assert_eq!(
                parse(Kind::Year, &t(bad)).unwrap_err().code,
                Code::E110,
                "{bad}"
            );
        }
    }

    #[test]
    fn french_numbers() {
        assert_eq!(parse_french_number("1,5"), Some(1.5));
        assert_eq!(parse_french_number("1 200"), Some(1200.0));
        assert_eq!(parse_french_number("1\u{a0}200,50 €"), Some(1200.5));
        assert_eq!(parse_french_number("1\u{202f}200"), Some(1200.0));
        assert_eq!(parse_french_number("12 %"), Some(12.0));
        assert_eq!(parse_french_number("1.200,50"), Some(1200.5));
        assert_eq!(parse_french_number("douze"), None);
        assert_eq!(parse_french_number(""), None);
    }

    #[test]
    fn whole_numbers_accept_12_0_and_refuse_12_5() {
        assert_eq!(
            parse(Kind::Whole, &Cell::Number(12.0)).unwrap().value,
            Value::from(12u64)
        );
        assert_eq!(
            parse(Kind::Whole, &t("1 200")).unwrap().value,
            Value::from(1200u64)
        );
        assert_eq!(
            parse(Kind::Whole, &Cell::Number(12.5)).unwrap_err().code,
            Code::E108
        );
        assert_eq!(
            parse(Kind::Whole, &t("beaucoup")).unwrap_err().code,
            Code::E108
        );
        assert_eq!(
            parse(Kind::Whole, &Cell::Number(-3.0)).unwrap_err().code,
            Code::E123
        );
    }

    #[test]
    fn dates_in_every_writing() {
        let want = Value::String("2026-03-15".into());
        assert_eq!(parse(Kind::Date, &t("15/03/2026")).unwrap().value, want);
        assert_eq!(parse(Kind::Date, &t("2026-03-15")).unwrap().value, want);
        assert_eq!(
            parse(Kind::Date, &Cell::IsoDate("2026-03-15T00:00:00".into()))
                .unwrap()
                .value,
            want
        );
        let serial = date_to_serial(NaiveDate::from_ymd_opt(2026, 3, 15).unwrap());
        assert_eq!(parse(Kind::Date, &Cell::Date(serial)).unwrap().value, want);
        assert_eq!(
            parse(Kind::Date, &t("31/02/2026")).unwrap_err().code,
            Code::E109
        );
        assert_eq!(parse(Kind::Date, &t("mars")).unwrap_err().code, Code::E109);
    }

    #[test]
    fn yes_no_variants() {
        for y in ["oui", "OUI", "x", "☒", "Vrai"] {
            assert_eq!(
                parse(Kind::YesNo, &t(y)).unwrap().value,
                Value::Bool(true),
                "{y}"
            );
        }
        for n in ["non", "☐", "0"] {
            assert_eq!(
                parse(Kind::YesNo, &t(n)).unwrap().value,
                Value::Bool(false),
                "{n}"
            );
        }
        assert_eq!(
            parse(Kind::YesNo, &t("peut-être")).unwrap_err().code,
            Code::E114
        );
    }

    #[test]
    fn codes_keep_or_restore_leading_zeros() {
        assert_eq!(
            parse(Kind::Code, &t("01001")).unwrap().value,
            Value::String("01001".into())
        );
        assert_eq!(
            parse(Kind::Code, &Cell::Number(1001.0)).unwrap().value,
            Value::String("01001".into())
        );
        assert_eq!(
            parse(Kind::Code, &t("2A004")).unwrap().value,
            Value::String("2A004".into())
        );
        assert_eq!(
            parse(Kind::Code, &Cell::Number(242900660.0)).unwrap().value,
            Value::String("242900660".into())
        );
    }

    #[test]
    fn quarters() {
        for q in ["2026-T1", "2026 T1", "T1 2026", "t1-2026", "2026T1"] {
            assert_eq!(
                parse(Kind::Quarter, &t(q)).unwrap().value,
                Value::String("2026-T1".into()),
                "{q}"
            );
        }
        assert_eq!(
            parse(Kind::Quarter, &t("2026-T5")).unwrap_err().code,
            Code::E111
        );
    }

    #[test]
    fn list_values_exact_close_and_wrong() {
        let k = Kind::Ref(RefList::TypeStructure);
        assert_eq!(
            parse(k, &t("EAJE PSU")).unwrap().value,
            Value::String("eaje_psu".into())
        );
        let close = parse(k, &t("centres sociaux")).unwrap();
        assert_eq!(close.value, Value::String("centre_social".into()));
        assert_eq!(close.notice.unwrap().code, Code::I113);
        assert_eq!(parse(k, &t("piscine")).unwrap_err().code, Code::E112);
    }

    #[test]
    fn text_is_trimmed_with_inner_breaks_kept() {
        assert_eq!(
            parse(Kind::LongText, &t("  a\r\nb  ")).unwrap().value,
            Value::String("a\nb".into())
        );
        assert_eq!(
            parse(Kind::Text, &Cell::Empty).unwrap().value,
            Value::String(String::new())
        );
        assert_eq!(
            parse(Kind::Decimal, &Cell::Empty).unwrap().value,
            Value::Null
        );
        assert_eq!(
            parse(Kind::Text, &Cell::Error("#REF!".into()))
                .unwrap_err()
                .code,
            Code::E124
        );
    }
}
