//! The interview as a person meets it: in a pseudo-terminal, where typed answers echo and the
//! prompts wait for them.
#![cfg(unix)]

use std::process::Command;

#[test]
fn an_interview_in_a_terminal_reaches_a_decided_result() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_practice-guide"));
    command.args(["interview", "--rules", "tests/fixtures/mini"]);
    let mut terminal = rexpect::session::spawn_command(command, Some(20_000)).unwrap();
    terminal
        .exp_string("child_age: The age of the youngest child.")
        .unwrap();
    terminal.exp_string("> (a whole number").unwrap();
    terminal.send_line("twelve").unwrap();
    terminal.exp_string("a whole number from 0 to 17").unwrap();
    terminal.send_line("3").unwrap();
    terminal
        .exp_string("adversities: The adversities the family faces.")
        .unwrap();
    terminal.exp_string("3. mental_health").unwrap();
    terminal.send_line("3").unwrap();
    terminal.exp_string("service_level").unwrap();
    terminal.send_line("2").unwrap();
    terminal
        .exp_string("[APPLIES] Treat mental health without waiting")
        .unwrap();
    let rest = terminal.exp_eof().unwrap();
    assert!(!rest.contains("UNDETERMINED"), "{rest}");
    assert!(!rest.contains("QUESTIONS TO ASK NEXT"), "{rest}");
}
