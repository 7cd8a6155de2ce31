//! clap speaks English; ctg's users read French. Parse errors are rebuilt from clap's
//! structured context, and help pages have their few fixed English words replaced.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The French words of a help page rendered by clap.
pub fn help(s: &str) -> String {
    // «- texte: …» in long help: French wants a space before the colon.
    let s: String = s
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("- ") && l.contains(": ") && !l.contains(" : ") {
                l.replacen(": ", " : ", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if s.ends_with('\n') { "\n" } else { "" };
    s.replace("Usage:", "Utilisation :")
        .replace("Arguments:", "Arguments :")
        .replace("Options:", "Options :")
        .replace("Commandes:", "Commandes :")
        .replace("Commands:", "Commandes :")
        .replace("[default: ", "[par défaut : ")
        .replace("Possible values:", "Valeurs possibles :")
        .replace("[possible values: ", "[valeurs possibles : ")
        .replace("[aliases: ", "[autres noms : ")
        .replace("[alias: ", "[autre nom : ")
}

fn text(v: Option<&ContextValue>) -> Option<String> {
    match v? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// «a» ou «b».
fn quoted(v: Option<&ContextValue>) -> Option<String> {
    let items: Vec<String> = match v? {
        ContextValue::String(s) => vec![s.clone()],
        ContextValue::Strings(v) => v.clone(),
        _ => return None,
    };
    let q: Vec<String> = items.iter().map(|s| format!("« {s} »")).collect();
    Some(q.join(" ou "))
}

/// What a value parser said, in French.
fn reason(e: &clap::Error) -> Option<String> {
    let src = std::error::Error::source(e)?.to_string();
    let lower = src.to_lowercase();
    Some(if lower.contains("digit") || lower.contains("number") {
        "un nombre entier positif est attendu".into()
    } else if lower.contains("input contains invalid characters")
        || lower.contains("premature end of input")
        || lower.contains("trailing input")
        || lower.contains("input is out of range")
        || lower.contains("input is not enough")
        || lower.contains("no possible date")
    {
        "une date de la forme AAAA-MM-JJ est attendue".into()
    } else if src.is_ascii() {
        "valeur non reconnue".into()
    } else {
        // Our own value parsers already speak French.
        src
    })
}

/// A French message for a parse error, with the usage line and a pointer to the help.
pub fn error(e: &clap::Error) -> String {
    let ctx = |k| text(e.get(k));
    let arg = ctx(ContextKind::InvalidArg).unwrap_or_default();
    let value = ctx(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            ctx(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue => {
            let mut m = if value.is_empty() {
                format!("une valeur est attendue pour « {arg} »")
            } else {
                format!("valeur « {value} » invalide pour « {arg} »")
            };
            if let Some(v) = ctx(ContextKind::ValidValue) {
                m.push_str(&format!(" ; valeurs possibles : {v}"));
            }
            m
        }
        ErrorKind::ValueValidation => format!(
            "valeur « {value} » invalide pour « {arg} » : {}",
            reason(e).unwrap_or_else(|| "valeur non reconnue".into())
        ),
        ErrorKind::MissingRequiredArgument => format!(
            "argument obligatoire manquant : {}",
            ctx(ContextKind::InvalidArg).unwrap_or_default()
        ),
        ErrorKind::MissingSubcommand => "une commande est attendue".into(),
        ErrorKind::TooManyValues => format!("trop de valeurs pour « {arg} » (« {value} »)"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour « {arg} »")
        }
        ErrorKind::ArgumentConflict => format!(
            "« {arg} » ne peut pas être employé avec « {} »",
            ctx(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::NoEquals => format!("« {arg} » s'écrit avec un signe égal (« {arg}=VALEUR »)"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas un texte valide (UTF-8)".into(),
        _ => "ligne de commande invalide".into(),
    };
    if let Some(list) = quoted(e.get(ContextKind::SuggestedSubcommand)) {
        msg.push_str(&format!("\n\n  conseil : commande proche : {list}"));
    }
    if let Some(s) = ctx(ContextKind::SuggestedArg) {
        msg.push_str(&format!("\n\n  conseil : vouliez-vous dire « {s} » ?"));
    }
    if let Some(s) = ctx(ContextKind::SuggestedValue) {
        msg.push_str(&format!("\n\n  conseil : vouliez-vous dire « {s} » ?"));
    }
    if matches!(e.kind(), ErrorKind::UnknownArgument)
        && arg.starts_with('-')
        && !arg.starts_with("--")
    {
        msg.push_str(&format!(
            "\n\n  conseil : pour une valeur qui commence par « - », écrivez « -- {arg} »"
        ));
    }
    let mut out = format!("erreur : {msg}\n");
    if let Some(u) = ctx(ContextKind::Usage) {
        out.push_str(&format!("\n{}\n", help(u.trim())));
    }
    out.push_str("\nPour plus d'informations, essayez « --aide ».\n");
    out
}
