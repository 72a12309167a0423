//! Compile-fail tests of the macros: each file in `tests/ui` must fail with the error
//! in its `.stderr` file. Files in `tests/ui/pass` must compile and run.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui`, and
//! read every changed `.stderr` file before committing it.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
