//! The one integration test binary: every module runs the real `ctg` binary or the library
//! on checked-in inputs. Tests that need LibreOffice, pdftotext or the shared corpus are
//! `#[ignore]` with their reason; `.ci/run` runs them with `--include-ignored`. `windows` runs
//! the cross-built `ctg.exe` under Wine.

mod calc_returns;
mod cli_consolider;
mod cli_convention;
mod cli_french;
mod cli_importer_word;
mod cli_init;
mod cli_misc;
mod cli_profile;
mod cli_territoire;
mod cli_valider;
mod cli_verifier;
mod common;
mod corpus;
mod fuzz_regressions;
mod golden_parts;
mod hostile;
mod inputs;
mod libreoffice;
mod model_roundtrip;
mod page;
mod reader_codes;
mod registry;
mod snapshots;
mod tiers;
mod windows;
mod word_fixtures;
mod workbook_properties;
mod workbook_roundtrip;
mod workbook_tolerance;
