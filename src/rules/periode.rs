//! Period rules: the convention runs from `debut` to at most 31 December of year N+4.

use chrono::{Datelike, NaiveDate};

use super::Ctx;
use crate::diagnostic::{Diagnostic, Location};

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let p = &ctx.ctg.convention.periode;
    let (Some(debut), Some(fin)) = (p.debut, p.fin) else {
        let missing = if p.debut.is_none() { "debut" } else { "fin" };
        d.push(Diagnostic::new(
            "CTG-E004",
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
                "CTG-E001",
                Location::pointer("/convention/periode/fin"),
                format!(
                    "la fin ({}) n'est pas postérieure au début ({})",
                    fr_date(fin),
                    fr_date(debut)
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
                "CTG-E002",
                Location::pointer("/convention/periode/fin"),
                format!(
                    "la fin ({}) dépasse le 31 décembre {} (année de début + 4)",
                    fr_date(fin),
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
                "CTG-W003",
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

/// «1er janvier 2026», as written in a convention.
pub fn fr_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
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
        for code in ["CTG-E001", "CTG-E002", "CTG-W003", "CTG-E004"] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn end_before_start() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2025-06-30");
        assert!(has(&ctg, "CTG-E001"));
    }

    #[test]
    fn end_after_n_plus_4() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2031-01-31");
        assert!(has(&ctg, "CTG-E002"));
    }

    #[test]
    fn unusual_duration() {
        let mut ctg = sample();
        ctg.convention.periode.fin = date("2027-12-31");
        assert!(has(&ctg, "CTG-W003"));
        assert!(!has(&ctg, "CTG-E002"));
    }

    #[test]
    fn missing_dates() {
        let mut ctg = sample();
        ctg.convention.periode.debut = None;
        assert!(has(&ctg, "CTG-E004"));
    }

    #[test]
    fn french_dates() {
        assert_eq!(
            fr_date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
            "1er janvier 2026"
        );
        assert_eq!(
            fr_date(NaiveDate::from_ymd_opt(2030, 12, 31).unwrap()),
            "31 décembre 2030"
        );
    }
}
