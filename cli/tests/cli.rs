//! The tool as a process: each `tests/cmd/*.toml` runs `practice-guide` with its arguments (in
//! its `fs.cwd`, or its `.in/` folder) and compares the exit status, standard output and
//! standard error with the `.stdout` and `.stderr` files beside it, exactly.
//!
//! Each `check-*.in/guide/` is the small guide of `tests/fixtures/mini/` with one mistake of one
//! class the loader reports (or, for `check-three-mistakes-in-one-file`, three). After changing
//! the tool's output on purpose, `TRYCMD=overwrite cargo test -p practice-guide-cli --test cli`
//! rewrites the expected files; review the diff before committing it.

#[test]
fn cli() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
