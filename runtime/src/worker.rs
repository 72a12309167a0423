//! Worker processes that show a title from their first instant.
//!
//! A child's command line is its argument list, so a worker started with its title as
//! `argv[0]` shows that title in `ps` before it runs a single line of its own code. Once
//! it sets its own title, the runtime takes over.

use std::io;
use std::process::Command;

/// Sets the title a child process shows until it sets its own.
pub trait CommandExt {
    /// Starts the child with `title` as `argv[0]`, so `ps -o args` shows the title
    /// followed by the child's arguments. The program to run is unaffected. On platforms
    /// without a settable `argv[0]` this does nothing.
    ///
    /// # Examples
    /// ```no_run
    /// # use proc_title_runtime as proc_title;
    /// use proc_title::worker::CommandExt;
    /// use std::process::Command;
    ///
    /// let child = Command::new("sleep").arg("5").title("ERP: nap").spawn()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn title(&mut self, title: &str) -> &mut Command;
}

impl CommandExt for Command {
    #[cfg(unix)]
    fn title(&mut self, title: &str) -> &mut Command {
        std::os::unix::process::CommandExt::arg0(self, title)
    }

    #[cfg(not(unix))]
    fn title(&mut self, _title: &str) -> &mut Command {
        self
    }
}

/// Returns a command that re-executes the current program with `title` as `argv[0]`.
///
/// Pass the worker's role through arguments or the environment; `ps -o args` shows the
/// title followed by those arguments.
///
/// # Errors
/// The error of [`std::env::current_exe`] if the program's path cannot be found.
///
/// # Examples
/// ```no_run
/// # use proc_title_runtime as proc_title;
/// let mut worker = proc_title::worker::command("ERP: worker 1 [starting]")?;
/// let child = worker.env("ERP_ROLE", "worker-1").spawn()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn command(title: &str) -> io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.title(title);
    Ok(command)
}
