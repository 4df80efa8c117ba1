//! A private session bus with its own unlocked Secret Service (gnome-keyring) for each app
//! home, so no two e2e apps share a keyring: what one stores, another cannot read.
//!
//! Own daemons rather than one keyring for the whole run with per-test cleanup: a test that
//! fails half-way cannot leave entries behind for the next, and a relaunch of the same home
//! finds what the first launch stored, as a user's login keyring would.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password of the throwaway keyring. Not empty: with an empty one gnome-keyring creates
/// no `login` collection and every lookup fails with "no result found".
const UNLOCK_PASSWORD: &str = "shipdeck";
const STARTUP: Duration = Duration::from_secs(15);

pub struct Session {
    /// `DBUS_SESSION_BUS_ADDRESS` of the private bus.
    pub address: String,
    /// What `dbus-monitor` saw of desktop notifications on the bus ([`Session::notifications`]).
    notifications: std::path::PathBuf,
    // Stopped monitor and keyring first, then the bus they are on.
    _monitor: Option<Process>,
    _keyring: Option<Process>,
    _bus: Process,
}

/// A session bus that starts no service on demand: the stock session configuration would
/// activate gnome-keyring the moment the app asks for the Secret Service.
const BUS_WITHOUT_SERVICES: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=RUNTIME</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

impl Session {
    /// Starts a bus and a keyring whose files live in `dir`.
    pub fn start(dir: &Path) -> Result<Self> {
        let runtime = runtime_dir(dir)?;
        let (bus, address) = start_bus(&["--session".into()])?;

        // Its own runtime dir: gnome-keyring looks for a running daemon through a socket
        // there and would hand the unlock to another test's keyring instead of starting.
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting gnome-keyring-daemon (package gnome-keyring)")?;
        let mut stdin = keyring.stdin.take().context("gnome-keyring stdin")?;
        let keyring = Process(keyring);
        stdin.write_all(UNLOCK_PASSWORD.as_bytes())?;
        drop(stdin);

        let (monitor, notifications) = monitor_notifications(&address, dir)?;
        let session = Self {
            address,
            notifications,
            _monitor: Some(monitor),
            _keyring: Some(keyring),
            _bus: bus,
        };
        session.wait_for_secret_service()?;
        Ok(session)
    }

    /// Starts a bus on which no Secret Service runs or can be started, as on a desktop
    /// without gnome-keyring or KWallet.
    pub fn without_keyring(dir: &Path) -> Result<Self> {
        let runtime = runtime_dir(dir)?;
        let config = dir.join("bus.conf");
        let runtime_text = runtime.to_str().context("runtime dir is not UTF-8")?;
        std::fs::write(
            &config,
            BUS_WITHOUT_SERVICES.replace("RUNTIME", runtime_text),
        )?;
        let (bus, address) = start_bus(&[format!("--config-file={}", config.display())])?;
        let session = Self {
            address,
            notifications: dir.join("no-notifications.log"),
            _monitor: None,
            _keyring: None,
            _bus: bus,
        };
        let owner = session.call(&[
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.ListActivatableNames",
        ])?;
        if owner.contains("org.freedesktop.secrets") {
            bail!("the bus without services can still start a Secret Service: {owner}");
        }
        Ok(session)
    }

    /// Every `org.freedesktop.Notifications.Notify` call made on this bus so far, as
    /// `dbus-monitor` prints it (summary and body among its strings). The call is seen whether
    /// or not a notification daemon answers it.
    pub fn notifications(&self) -> Result<String> {
        Ok(std::fs::read_to_string(&self.notifications).unwrap_or_default())
    }

    fn wait_for_secret_service(&self) -> Result<()> {
        let deadline = Instant::now() + STARTUP;
        loop {
            let reply = self.call(&[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ]);
            if reply.is_ok_and(|r| r.contains("boolean true")) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the private keyring did not appear on the session bus within {STARTUP:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The account names (`cluster/<id>/token`, `repository/<id>/password`, …) of every
    /// secret in this session's default keyring collection, whatever service filed them.
    pub fn stored_accounts(&self) -> Result<Vec<String>> {
        let items = self.call(&[
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets/aliases/default",
            "org.freedesktop.DBus.Properties.Get",
            "string:org.freedesktop.Secret.Collection",
            "string:Items",
        ])?;
        let mut accounts = Vec::new();
        for path in items
            .lines()
            .filter_map(|l| l.trim().strip_prefix("object path "))
        {
            let attributes = self.call(&[
                "--dest=org.freedesktop.secrets",
                path.trim_matches('"'),
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Item",
                "string:Attributes",
            ])?;
            let strings = quoted_strings(&attributes);
            let account = strings
                .chunks(2)
                .find(|pair| pair[0] == "username")
                .and_then(|pair| pair.get(1).cloned())
                .unwrap_or_else(|| format!("(no username attribute: {strings:?})"));
            accounts.push(account);
        }
        accounts.sort();
        Ok(accounts)
    }

    fn call(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args(["--print-reply", "--reply-timeout=5000"])
            .args(args)
            .output()
            .context("running dbus-send (package dbus)")?;
        if !out.status.success() {
            bail!(
                "dbus-send {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

fn runtime_dir(dir: &Path) -> Result<std::path::PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let runtime = dir.join("runtime");
    std::fs::create_dir_all(&runtime)?;
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))?;
    Ok(runtime)
}

/// Starts `dbus-monitor` on the bus at `address`, writing the notification calls it sees to a
/// file in `dir`; returns it once it listens.
fn monitor_notifications(address: &str, dir: &Path) -> Result<(Process, std::path::PathBuf)> {
    let log = dir.join("notifications.log");
    let out = std::fs::File::create(&log)?;
    // Line-buffered: into a file, dbus-monitor's output would sit in its stdio buffer.
    let monitor = Command::new("stdbuf")
        .args(["-oL", "dbus-monitor", "--address", address])
        .arg("type='method_call',interface='org.freedesktop.Notifications',member='Notify'")
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .context("starting dbus-monitor (package dbus-bin)")?;
    let monitor = Process(monitor);
    // It prints the name it acquired once it is on the bus: a monitor that never does (bad
    // arguments, no bus) fails here rather than as a notification that never came.
    let deadline = Instant::now() + STARTUP;
    while std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) == 0 {
        if Instant::now() > deadline {
            bail!("dbus-monitor did not start on {address} within {STARTUP:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((monitor, log))
}

/// Starts `dbus-daemon` with `args`; returns it and the address it listens on.
fn start_bus(args: &[String]) -> Result<(Process, String)> {
    let mut bus = Command::new("dbus-daemon")
        .args(args)
        .args(["--nofork", "--print-address=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting dbus-daemon (package dbus)")?;
    let stdout = bus.stdout.take().context("dbus-daemon stdout")?;
    let bus = Process(bus);
    let mut address = String::new();
    BufReader::new(stdout)
        .read_line(&mut address)
        .context("reading the bus address from dbus-daemon")?;
    let address = address.trim().to_string();
    if address.is_empty() {
        bail!("dbus-daemon exited without printing its address");
    }
    Ok((bus, address))
}

/// The `string "…"` values of a dbus-send reply, in order.
fn quoted_strings(reply: &str) -> Vec<String> {
    reply
        .lines()
        .filter_map(|l| l.trim().strip_prefix("string \""))
        .map(|s| s.trim_end_matches('"').to_string())
        .collect()
}

/// A child process stopped (SIGTERM, then reaped) when dropped, on every path (a test that
/// fails, a launch that never connects). SIGTERM, not SIGKILL: tauri-driver then stops the
/// WebKitWebDriver it started, which SIGKILL would leave holding its port.
pub(crate) struct Process(pub(crate) Child);

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let _ = self.0.wait();
        }
    }
}
