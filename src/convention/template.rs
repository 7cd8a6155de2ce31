//! The editable convention text (`templates/convention.txt`): a Caf changes the wording of
//! an article by editing that file alone. Syntax: `# ` / `## ` headings, `- ` bullets, blank
//! lines between paragraphs, `{{variable}}` values, `{{@bloc}}` generated blocks, and
//! `{{#si var}}`, `{{#si var = valeur}}`, `{{#sinon}}`, `{{/si}}` conditions; `#!` comments.

use std::collections::BTreeMap;

/// A value the template can use.
#[derive(Debug, Clone, PartialEq)]
pub enum Var {
    Text(String),
    Flag(bool),
}

/// One piece of the rendered text.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Heading(u8, String),
    Para(String),
    Bullet(String),
    Block(String),
}

/// Problems with a template: all of them, each with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError(pub Vec<String>);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The same missing value on several lines is said once, with its lines.
        let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
        for e in &self.0 {
            let (line, what) = match e.strip_prefix("ligne ").and_then(|r| r.split_once(" : ")) {
                Some((n, w)) => (n.to_string(), w.to_string()),
                None => (String::new(), e.clone()),
            };
            match grouped.iter_mut().find(|(w, _)| *w == what) {
                Some((_, lines)) => lines.push(line),
                None => grouped.push((what, vec![line])),
            }
        }
        let said: Vec<String> = grouped
            .into_iter()
            .map(|(what, lines)| {
                let lines: Vec<String> = lines.into_iter().filter(|l| !l.is_empty()).collect();
                match lines.len() {
                    0 => what,
                    1 => format!("ligne {} : {what}", lines[0]),
                    _ => format!("lignes {} : {what}", lines.join(", ")),
                }
            })
            .collect();
        write!(f, "modèle de texte : {}", said.join(" ; "))
    }
}

fn condition(
    expr: &str,
    vars: &BTreeMap<String, Var>,
    line: usize,
    errs: &mut Vec<String>,
) -> bool {
    let (name, want) = match expr.split_once('=') {
        Some((n, v)) => (n.trim(), Some(v.trim())),
        None => (expr.trim(), None),
    };
    match (vars.get(name), want) {
        (None, _) => {
            errs.push(format!("ligne {line} : condition sur « {name} », inconnue"));
            false
        }
        (Some(Var::Flag(b)), None) => *b,
        (Some(Var::Text(t)), None) => !t.is_empty(),
        (Some(Var::Text(t)), Some(w)) => t == w,
        (Some(Var::Flag(b)), Some(w)) => (w == "oui") == *b,
    }
}

/// What an empty variable of the model text means for the person who runs `convention`, and
/// where to fill it in.
fn missing(name: &str) -> Option<&'static str> {
    Some(match name {
        "caf.nom" => {
            "le nom de la Caf manque : renseignez « nom » sous « [caf] » dans le profil de la Caf (ctg.toml, ou l'onglet « Profil de la Caf » de la page), ou « convention.caf.nom » dans la CTG"
        }
        "caf.departement" => {
            "le département de la Caf manque : « departement » sous « [caf] » dans le profil de la Caf"
        }
        "caf.president" | "caf.directeur" => {
            "le président ou le directeur de la Caf manque : « president » et « directeur » sous « [caf] » dans le profil de la Caf"
        }
        "territoire.nom" | "territoire.de" => {
            "la CTG n'a pas de territoire : créez-la avec « ctg init --epci SIREN » (ou « --commune INSEE ») en y ajoutant « --depuis » la CTG importée"
        }
        "collectivites" => {
            "aucune collectivité signataire : ajoutez les communes ou l'EPCI signataires (« convention.signataires », ou « ctg init » qui les prépare)"
        }
        "periode.debut"
        | "periode.fin"
        | "periode.texte"
        | "periode.annee_debut"
        | "periode.annee_fin" => {
            "la période de la convention manque : « convention.periode.debut » et « fin » (AAAA-MM-JJ), ou « ctg init --debut »"
        }
        "convention.titre" => "le titre de la convention manque (« convention.titre »)",
        _ => return None,
    })
}

/// Replaces `{{name}}` by its value; an unknown or empty value is an error naming it.
fn fill(text: &str, vars: &BTreeMap<String, Var>, line: usize, errs: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            errs.push(format!("ligne {line} : « {{{{ » sans « }}}} »"));
            return out;
        };
        let name = rest[start + 2..start + end].trim();
        match vars.get(name) {
            Some(Var::Text(v)) if !v.is_empty() => out.push_str(v),
            Some(Var::Text(_)) => errs.push(match missing(name) {
                Some(what) => format!("ligne {line} : {what} (« {{{{{name}}}}} »)"),
                None => {
                    format!("ligne {line} : « {{{{{name}}}}} » n'est pas renseigné dans la CTG")
                }
            }),
            Some(Var::Flag(b)) => out.push_str(if *b { "oui" } else { "non" }),
            None => errs.push(format!("ligne {line} : « {{{{{name}}}}} » est inconnu")),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Renders a template into pieces; `blocks` are the generated blocks it may name.
pub fn render(
    template: &str,
    vars: &BTreeMap<String, Var>,
    blocks: &[&str],
) -> Result<Vec<Piece>, TemplateError> {
    let mut errs = Vec::new();
    let mut out = Vec::new();
    let mut stack: Vec<(bool, usize)> = Vec::new(); // (active, line opened)
    let mut para: Vec<String> = Vec::new();
    let flush = |para: &mut Vec<String>, out: &mut Vec<Piece>| {
        if !para.is_empty() {
            out.push(Piece::Para(para.join(" ")));
            para.clear();
        }
    };
    for (i, raw) in template.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.starts_with("#!") {
            continue;
        }
        if let Some(expr) = t.strip_prefix("{{#si ").and_then(|r| r.strip_suffix("}}")) {
            let parent = stack.iter().all(|s| s.0);
            let v = condition(expr, vars, line, &mut errs);
            stack.push((parent && v, line));
            continue;
        }
        if t == "{{#sinon}}" {
            match stack.pop() {
                Some((active, l)) => {
                    let parent = stack.iter().all(|s| s.0);
                    // The else branch is active when the parent is and the condition was not.
                    let cond_was = active;
                    stack.push((parent && !cond_was, l));
                }
                None => errs.push(format!("ligne {line} : {{{{#sinon}}}} sans {{{{#si}}}}")),
            }
            continue;
        }
        if t == "{{/si}}" {
            if stack.pop().is_none() {
                errs.push(format!("ligne {line} : {{{{/si}}}} sans {{{{#si}}}}"));
            }
            continue;
        }
        if !stack.iter().all(|s| s.0) {
            continue;
        }
        if t.is_empty() {
            flush(&mut para, &mut out);
        } else if let Some(name) = t.strip_prefix("{{@").and_then(|r| r.strip_suffix("}}")) {
            flush(&mut para, &mut out);
            if blocks.contains(&name.trim()) {
                out.push(Piece::Block(name.trim().to_string()));
            } else {
                errs.push(format!("ligne {line} : bloc « @{} » inconnu", name.trim()));
            }
        } else if let Some(h) = t.strip_prefix("## ") {
            flush(&mut para, &mut out);
            out.push(Piece::Heading(2, fill(h, vars, line, &mut errs)));
        } else if let Some(h) = t.strip_prefix("# ") {
            flush(&mut para, &mut out);
            out.push(Piece::Heading(1, fill(h, vars, line, &mut errs)));
        } else if let Some(b) = t.strip_prefix("- ") {
            flush(&mut para, &mut out);
            out.push(Piece::Bullet(fill(b, vars, line, &mut errs)));
        } else {
            para.push(fill(t, vars, line, &mut errs));
        }
    }
    flush(&mut para, &mut out);
    for (_, l) in stack {
        errs.push(format!(
            "ligne {l} : {{{{#si}}}} jamais fermé par {{{{/si}}}}"
        ));
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(TemplateError(errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, Var> {
        let mut v = BTreeMap::new();
        v.insert("caf.nom".into(), Var::Text("Caf du Finistère".into()));
        v.insert("vide".into(), Var::Text(String::new()));
        v.insert("copil".into(), Var::Text("copilotage".into()));
        v.insert("numerique".into(), Var::Flag(false));
        v
    }

    #[test]
    fn headings_paragraphs_bullets_and_values() {
        let p = render(
            "# Titre\nLa {{caf.nom}}\nsigne.\n\n- un\n{{@visas}}",
            &vars(),
            &["visas"],
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                Piece::Heading(1, "Titre".into()),
                Piece::Para("La Caf du Finistère signe.".into()),
                Piece::Bullet("un".into()),
                Piece::Block("visas".into())
            ]
        );
    }

    #[test]
    fn conditions_keep_exactly_one_branch() {
        let t =
            "{{#si copil = copilotage}}\nA\n{{#sinon}}\nB\n{{/si}}\n{{#si numerique}}\nC\n{{/si}}";
        assert_eq!(
            render(t, &vars(), &[]).unwrap(),
            vec![Piece::Para("A".into())]
        );
        let t = "{{#si copil = presidence_caf}}\nA\n{{#sinon}}\nB\n{{/si}}";
        assert_eq!(
            render(t, &vars(), &[]).unwrap(),
            vec![Piece::Para("B".into())]
        );
    }

    #[test]
    fn unknown_or_empty_placeholders_are_named() {
        let e = render(
            "x {{inconnu}}\n\n{{vide}}\n{{@bloc}}\n{{#si z}}\n",
            &vars(),
            &[],
        )
        .unwrap_err();
        let all = e.to_string();
        assert!(all.contains("inconnu") && all.contains("ligne 1"), "{all}");
        assert!(
            all.contains("vide") && all.contains("n'est pas renseigné"),
            "{all}"
        );
        assert!(all.contains("@bloc"), "{all}");
        assert!(all.contains("jamais fermé"), "{all}");
    }
}
