//! Signataire rules: each signing collectivité has a dated délibération before signature.

use super::Ctx;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location};
use crate::referentials::SignataireKind;

pub fn check(ctx: &Ctx, d: &mut Vec<Diagnostic>) {
    let conv = &ctx.ctg.convention;
    let mut collectivites = 0;
    for (i, s) in conv.signataires.iter().enumerate() {
        if s.kind == SignataireKind::Partenaire {
            continue;
        }
        collectivites += 1;
        let at = Location::pointer(format!("/convention/signataires/{i}/deliberation/date"));
        match s.deliberation.date {
            None => d.push(Diagnostic::new(
                Code::E050,
                at,
                format!("{} n'a pas de date de délibération", s.nom),
            )),
            Some(date) => {
                if let Some(sig) = conv.signature.date
                    && date > sig
                {
                    d.push(Diagnostic::new(Code::E051, at, format!("la délibération de {} ({date}) est postérieure à la signature ({sig})", s.nom)).value(date));
                }
            }
        }
    }
    if collectivites == 0 {
        d.push(Diagnostic::new(
            Code::W052,
            Location::pointer("/convention/signataires"),
            "aucune commune ni aucun EPCI parmi les signataires",
        ));
    }
    if conv.signature.date.is_none() {
        d.push(Diagnostic::new(
            Code::W053,
            Location::pointer("/convention/signature/date"),
            "la date de signature n'est pas renseignée",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;

    #[test]
    fn sample_signataires_are_clean() {
        let c = codes(&sample());
        for code in [Code::E050, Code::E051, Code::W052, Code::W053] {
            assert!(!c.contains(&code), "{code}");
        }
    }

    #[test]
    fn deliberation_missing_or_late() {
        let mut ctg = sample();
        ctg.convention.signataires[0].deliberation.date = None;
        ctg.convention.signataires[1].deliberation.date = Some("2027-01-01".parse().unwrap());
        let c = codes(&ctg);
        assert!(c.contains(&Code::E050) && c.contains(&Code::E051));
    }

    #[test]
    fn no_collectivite_and_no_signature_date() {
        let mut ctg = sample();
        ctg.convention.signataires.clear();
        ctg.convention.signature.date = None;
        let c = codes(&ctg);
        assert!(c.contains(&Code::W052) && c.contains(&Code::W053));
    }
}
