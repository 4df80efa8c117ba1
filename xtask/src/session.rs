//! A display and a session bus for the app: the user's own display when there is one,
//! otherwise (and always for tests) a private Xvfb, and a private dbus session so GTK, the
//! keyring and their helpers start and stop with us instead of lingering.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Display {
    pub name: String,
    xvfb: Option<Child>,
}

impl Display {
    /// The user's `$DISPLAY`, or a new Xvfb when there is none.
    pub fn user_or_virtual() -> Result<Self> {
        match std::env::var("DISPLAY") {
            Ok(name) if !name.is_empty() => Ok(Self { name, xvfb: None }),
            _ => Self::start_virtual(),
        }
    }

    /// A new Xvfb on a free display number (Xvfb picks it and reports it on `-displayfd`).
    pub fn start_virtual() -> Result<Self> {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb (package xvfb)")?;
        let stdout = child.stdout.take().context("Xvfb stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading the display number from Xvfb")?;
        let number = line.trim();
        if number.is_empty() {
            let _ = child.kill();
            bail!("Xvfb exited without reporting a display");
        }
        Ok(Self {
            name: format!(":{number}"),
            xvfb: Some(child),
        })
    }

    pub fn is_virtual(&self) -> bool {
        self.xvfb.is_some()
    }

    /// Waits until a top-level window whose title contains `title` is mapped.
    pub fn wait_for_window(&self, title: &str, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            let tree = Command::new("xwininfo")
                .args(["-root", "-tree", "-display", &self.name])
                .output()
                .context("running xwininfo (package x11-utils)")?;
            if String::from_utf8_lossy(&tree.stdout).contains(title) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        bail!(
            "no window titled '{title}' appeared on {} within {timeout:?}",
            self.name
        )
    }

    /// A screenshot of the whole screen (ImageMagick's `import`).
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::step::run(
            Command::new("import")
                .args(["-display", &self.name, "-window", "root"])
                .arg(path),
        )
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(mut xvfb) = self.xvfb.take() {
            let _ = xvfb.kill();
            let _ = xvfb.wait();
        }
    }
}

/// `program` on `display`, inside its own dbus session with an unlocked gnome-keyring serving
/// the Secret Service API on that bus, so credentials go to a real keyring. Started before the program: a client that
/// finds none would start a locked one on demand.
pub fn in_session_with_keyring(display: &Display, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new("dbus-run-session");
    cmd.args([
        "--",
        "sh",
        "-c",
        // A non-empty unlock password: with an empty one no `login` collection is created and
        // every lookup fails with "no result found". The password guards only this throwaway
        // keyring, which lives in the session's own XDG_DATA_HOME.
        "eval \"$(printf shipdeck | gnome-keyring-daemon --unlock --components=secrets)\" && exec \"$@\"",
        "shipdeck-session",
    ])
    .arg(program)
    .env("DISPLAY", &display.name);
    cmd
}
