use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args) -> ctg::Result<ExitCode> {
    super::print_json(&ctg::schema::json_schema())?;
    Ok(ExitCode::SUCCESS)
}
