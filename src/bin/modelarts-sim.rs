//! `modelarts-sim`: a local ModelArts notebook API (being built under issue 3).

fn main() -> std::process::ExitCode {
    eprintln!("modelarts-sim: not built yet (tracked in issue 3)");
    std::process::ExitCode::FAILURE
}
