//! What a verb gives back: its standard output (which a closed pipe ends quietly), a usage or
//! I/O error on standard error, and how it ended ([`Outcome`], the process's exit status).

use std::process::ExitCode;

/// Like `println!`, but a standard output closed early (`practice-guide eval ... | head`) ends the
/// output quietly instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use outln;

/// How a verb ended, and so the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// All is well: 0.
    Clean,
    /// Problems were found (and reported): 1.
    Problems,
    /// The command could not run (a usage or I/O error, reported): 2.
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Problems => ExitCode::from(1),
            Outcome::Failed => ExitCode::from(2),
        }
    }
}

/// Writes `text` to standard output, ignoring a closed pipe (the reader has what it wanted).
pub(crate) fn write_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Says a usage or I/O error on standard error, and ends the verb with 2.
pub(crate) fn failed(message: &str) -> Outcome {
    eprintln!("error: {message}");
    Outcome::Failed
}
