//! Names the process with `#[proc_title]` and prints what `ps -o args` shows for it.
//!
//! ```text
//! cargo run --example minimal
//! ```

use proc_title::proc_title;

#[proc_title("minimal: sleeping 3 s")]
fn main() {
    // `ps -o args` reads /proc/PID/cmdline, which has a NUL byte after each argument.
    let command_line = match std::fs::read("/proc/self/cmdline") {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .trim_end_matches('\0')
            .replace('\0', " "),
        Err(_) => proc_title::get(),
    };
    println!(
        "ps -o pid,args -p {} shows: {command_line}",
        std::process::id()
    );
    std::thread::sleep(std::time::Duration::from_secs(3));
}
