//! Period rules: the convention runs from `debut` to at most 31 December of year N+4.

use crate::codes::Code;
use chrono::{Datelike, NaiveDate};

use super::Ctx;
use crate::diagnostic::{Diagnostic, Location};

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let p = &ctx.ctg.convention.periode;
    let (Some(debut), Some(fin)) = (p.debut, p.fin) else {
        let missing = if p.debut.is_none() { "debut" } else { "fin" };
        d.push(Diagnostic::new(
            Code::E004,
            Location::pointer(format!("/convention/periode/{missing}")),
            format!(
                "la date de {} de la convention n'est pas renseignée",
                if missing == "debut" { "début" } else { "fin" }
            ),
        ));
        return;
    };
    if fin <= debut {
        d.push(
            Diagnostic::new(
                Code::E001,
                Location::pointer("/convention/periode/fin"),
                format!(
                    "la fin ({}) n'est pas postérieure au début ({})",
                    crate::fr::date(fin),
                    crate::fr::date(debut)
                ),
            )
            .value(fin),
        );
        return;
    }
    // Beyond chrono's last year there is no N+4 to exceed.
    let max = NaiveDate::from_ymd_opt(debut.year() + 4, 12, 31).unwrap_or(NaiveDate::MAX);
    if fin > max {
        d.push(
            Diagnostic::new(
                Code::E002,
                Location::pointer("/convention/periode/fin"),
                format!(
                    "la fin ({}) dépasse le 31 décembre {} (année de début + 4)",
                    crate::fr::date(fin),
                    debut.year() + 4
                ),
            )
            .value(fin),
        );
    }
    let years = ((fin - debut).num_days() + 1) as f64 / 365.25;
    if !(3.95..=5.05).contains(&years) {
        d.push(
            Diagnostic::new(
                Code::W003,
                Location::pointer("/convention/periode"),
                format!(
                    "la convention dure {:.1} ans, hors de l'intervalle habituel de 4 à 5 ans",
                    years
                )
                .replace('.', ","),
            )
            .value(format!("{debut} → {fin}")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn date(s: &str) -> Option<NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn sample_period_is_valid() {
        let c = codes(&sample());
        for code in [Code::E001, Code::E002, Code::W003, Code::E004] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn end_before_start() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2025-06-30");
        assert!(has(&ctg, Code::E001));
    }

    #[test]
    fn end_after_n_plus_4() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2031-01-31");
        assert!(has(&ctg, Code::E002));
    }

    #[test]
    fn unusual_duration() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2027-12-31");
        assert!(has(&ctg, Code::W003));
        assert!(!has(&ctg, Code::E002));
    }

    #[test]
    fn missing_dates() {
        let mut ctg = sample();
        ctg.convention.periode.debut = None;
        assert!(has(&ctg, Code::E004));
    }

    #[test]
    fn french_dates() {
        assert_eq!(
            crate::fr::date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            "1er janvier 2026"
        );
        assert_eq!(
            crate::fr::date(NaiveDate::from_ymd_opt(2030, 12, 31).unwrap()),
            "31 décembre 2030"
        );
    }
}
