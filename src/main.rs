//! The `ctg` binary: parses the command line (clap), calls the library, maps the outcome
//! to an exit code: 0 clean, 1 findings (errors in the data), 2 the command failed.

mod cmd;

/// glibc's allocator fragments badly under the parallel reading of thousands of returns
/// (RSS 1.3 GB for 240 MB live at the national scale); mimalloc keeps RSS near the live size.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, Parser, Subcommand};
use std::io::Write;

pub const TEMPLATE: &str = "{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "ctg",
    version,
    about = "ctg : préparer, vérifier, consolider et éditer les Conventions territoriales globales (Caf, communes, EPCI)",
    help_template = TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_help_subcommand = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Affiche l'aide
    #[arg(short = 'h', long = "aide", alias = "help", action = ArgAction::Help, global = true)]
    aide: Option<bool>,
    /// Affiche la version
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// Exécute la démonstration complète sur l'exemple fourni (Pays Fouesnantais)
    #[command(help_template = TEMPLATE)]
    Demo(cmd::demo::Args),
    /// Affiche un EPCI ou une commune du référentiel, ses populations et ses obligations d'AO
    #[command(help_template = TEMPLATE)]
    Territoire(cmd::territoire::Args),
    /// Crée une nouvelle CTG pré-remplie depuis le référentiel
    #[command(help_template = TEMPLATE)]
    Init(cmd::init::Args),
    /// Vérifie une CTG (fichier JSON) au regard des règles du domaine
    #[command(help_template = TEMPLATE)]
    Verifier(cmd::verifier::Args),
    /// Écrit la CTG complète dans un classeur .xlsx (une feuille par partie du modèle)
    #[command(help_template = TEMPLATE)]
    Exporter(cmd::exporter::Args),
    /// Lit un classeur (.xlsx, .xls, .ods) de la CTG et écrit le modèle JSON
    #[command(help_template = TEMPLATE)]
    Importer(cmd::importer::Args),
    /// Écrit un formulaire de retour par commune et un pour l'EPCI, pré-remplis
    #[command(help_template = TEMPLATE)]
    Formulaires(cmd::formulaires::Args),
    /// Vérifie des formulaires renvoyés, cellule par cellule, et produit des copies annotées
    #[command(help_template = TEMPLATE)]
    Valider(cmd::valider::Args),
    /// Consolide les retours des communes en un classeur et un modèle, avec provenance et contrôles croisés
    #[command(help_template = TEMPLATE)]
    Consolider(cmd::consolider::Args),
    /// Écrit la convention prête à signer (DOCX, et PDF avec LibreOffice) à partir de la CTG
    #[command(help_template = TEMPLATE)]
    Convention(cmd::convention::Args),
    /// Produit des fichiers d'exemple (retours remplis avec erreurs contrôlées)
    #[command(help_template = TEMPLATE, subcommand)]
    Exemple(cmd::exemple::Kind),
    /// Ouvre un fichier et dit ce qu'il contient ou pourquoi il est illisible (diagnostic)
    #[command(help_template = TEMPLATE, hide = true)]
    Sonder(cmd::sonder::Args),
    /// Explique une règle (ex. : ctg regle CTG-E012), ou les liste toutes
    #[command(help_template = TEMPLATE)]
    Regle(cmd::regle::Args),
    /// Affiche le schéma JSON du modèle (libellés en français)
    #[command(help_template = TEMPLATE)]
    Schema(cmd::schema::Args),
    /// Liste les référentiels : codes et libellés officiels
    #[command(help_template = TEMPLATE)]
    Referentiels(cmd::referentiels::Args),
    /// Lecteur isolé (usage interne de valider, consolider et importer)
    #[command(help_template = TEMPLATE, hide = true)]
    Lecteur(cmd::lecteur::Args),
    /// Affiche l'aide de ctg ou d'une commande (ex. : ctg aide valider)
    #[command(help_template = TEMPLATE, alias = "help")]
    Aide {
        /// Commande dont afficher l'aide
        commande: Option<String>,
    },
}

/// The help page of ctg or of one of its commands, in French.
fn help_page(sub: Option<&str>) -> Result<String, String> {
    let mut root = Cli::command();
    root.build();
    let page = match sub {
        None => root.render_help(),
        Some(name) => match root.find_subcommand_mut(name) {
            Some(c) => c.render_help(),
            None => {
                return Err(format!(
                    "commande inconnue « {name} » : « ctg aide » les liste toutes"
                ));
            }
        },
    };
    Ok(cmd::clap_fr::help(&page.to_string()))
}

fn say_err(s: &str) {
    // Nothing more can be done when standard error itself is closed.
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

/// mimalloc options (mimalloc.h, `mi_option_e`): `purge_delay`, `allow_thp`.
pub const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

fn main() -> ExitCode {
    // No transparent huge pages: a first touch would zero 2 MB (a short `valider` spent a
    // fifth of its time there, and RSS doubled). mimalloc is built without them (`no_thp`,
    // Cargo.toml); the process flag covers every other mapping.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0) };
    ctg::io::cleanup::install();
    ctg::guard::hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let page = cmd::clap_fr::help(&e.render().to_string());
                    match cmd::write_out(&page).and_then(|_| cmd::flush_out()) {
                        Ok(()) | Err(ctg::Error::OutputClosed) => {}
                        Err(err) => say_err(&format!("erreur : {err}\n")),
                    }
                    if e.kind() == ErrorKind::DisplayHelp {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(2)
                    }
                }
                ErrorKind::DisplayVersion => {
                    let _ = cmd::write_out(&format!("ctg {}\n", env!("CARGO_PKG_VERSION")));
                    ExitCode::SUCCESS
                }
                _ => {
                    say_err(&cmd::clap_fr::error(&e));
                    ExitCode::from(2)
                }
            };
        }
    };
    let outcome = match cli.command {
        Command::Aide { commande } => match help_page(commande.as_deref()) {
            Ok(page) => cmd::write_out(&page).map(|_| ExitCode::SUCCESS),
            Err(m) => Err(ctg::Error::Invalid(m)),
        },
        Command::Demo(a) => cmd::demo::run(a),
        Command::Territoire(a) => cmd::territoire::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Verifier(a) => cmd::verifier::run(a),
        Command::Regle(a) => cmd::regle::run(a),
        Command::Sonder(a) => cmd::sonder::run(a),
        Command::Exporter(a) => cmd::exporter::run(a),
        Command::Importer(a) => cmd::importer::run(a),
        Command::Formulaires(a) => cmd::formulaires::run(a),
        Command::Valider(a) => cmd::valider::run(a),
        Command::Consolider(a) => cmd::consolider::run(a),
        Command::Convention(a) => cmd::convention::run(a),
        Command::Exemple(k) => cmd::exemple::run(k),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Referentiels(a) => cmd::referentiels::run(a),
        Command::Lecteur(a) => cmd::lecteur::run(a),
    };
    match outcome.and_then(|code| cmd::flush_out().map(|_| code)) {
        Ok(code) => code,
        // The reader went away (`ctg schema | head -c1`): nothing to say, nothing to fail.
        Err(ctg::Error::OutputClosed) => ExitCode::SUCCESS,
        Err(e) => {
            say_err(&format!("erreur : {e}\n"));
            ExitCode::from(2)
        }
    }
}
