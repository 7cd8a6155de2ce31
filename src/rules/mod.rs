//! Domain rules of `ctg verifier`: one table of stable codes, and one file per concern.
//!
//! A code is never reused or renumbered; `ctg regle CODE` prints its entry. Each check
//! pushes `Diagnostic`s located by JSON pointer, with the offending value.

mod annexes;
mod ao_rules;
mod identite;
mod periode;
mod plan;
mod signataires;

use serde::Serialize;

use crate::ao::Basis;
use crate::diagnostic::{self, Counts, Diagnostic};
use crate::model::Ctg;
use crate::territory::referentiel;

pub use crate::codes::{Code, RULES, RuleInfo};

/// The registry entry for what a user typed (`CTG-E013`, `E013`, `13`).
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    Code::parse(code).map(Code::info)
}

/// Shared inputs of every check.
pub struct Ctx<'a> {
    pub ctg: &'a Ctg,
    pub basis: Basis,
}

/// The result of `verify`: diagnostics plus what they were computed against.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Also in the report's `compteurs`.
    #[serde(skip)]
    pub errors: usize,
    #[serde(skip)]
    pub warnings: usize,
    #[serde(skip)]
    pub infos: usize,
    /// «population totale» or «population municipale».
    pub population: &'static str,
    pub millesime: &'static str,
    pub communes: usize,
    pub fiches: usize,
}

/// Runs every domain rule on a model.
pub fn verify(ctg: &Ctg, basis: Basis) -> Report {
    let ctx = Ctx { ctg, basis };
    let mut d = Vec::new();
    periode::check(&ctx, &mut d);
    identite::check(&ctx, &mut d);
    ao_rules::check(&ctx, &mut d);
    plan::check(&ctx, &mut d);
    annexes::check(&ctx, &mut d);
    signataires::check(&ctx, &mut d);
    diagnostic::sort(&mut d);
    let c = Counts::of(&d);
    Report {
        summary: Summary {
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
            population: basis.label(),
            millesime: referentiel().millesime,
            communes: ctg.territoire.communes.len(),
            fiches: ctg.fiches.len(),
        },
        diagnostics: d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_lookup_accepts_what_users_type() {
        assert_eq!(rule("ctg-e012").unwrap().code, Code::E012);
        assert_eq!(rule("12").unwrap().code, Code::E012);
        assert!(rule("CTG-X999").is_none());
    }
}

/// Test helpers shared by the rule files.
#[cfg(test)]
pub(crate) mod testutil {
    use super::*;
    pub use crate::codes::Code;

    pub fn sample() -> Ctg {
        crate::io::parse_model(
            include_str!("../../samples/ctg-pays-fouesnantais.json"),
            "sample",
        )
        .unwrap()
    }

    pub fn codes(ctg: &Ctg) -> Vec<Code> {
        verify(ctg, Basis::Totale)
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    pub fn has(ctg: &Ctg, code: Code) -> bool {
        codes(ctg).contains(&code)
    }
}
