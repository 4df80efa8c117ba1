//! System packages (Debian) and the Rust wasm target.

use crate::step::{output, run};
use anyhow::{Result, bail};
use std::process::Command;

/// WebKitGTK and friends for Tauri, Xvfb and the WebKit WebDriver for e2e, dbus and a
/// keyring for credentials, ImageMagick for whole-screen screenshots, openssl and curl for the
/// local control plane.
const PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "xvfb",
    "webkit2gtk-driver",
    "dbus",
    "dbus-x11",
    "gnome-keyring",
    "keyutils",
    "imagemagick",
    "x11-utils",
    "openssl",
    "curl",
    "git",
    "libdbus-1-dev",
    // Real Git servers on loopback for the transport tests: sshd, lighttpd + http-backend.
    "openssh-server",
    "openssh-client",
    "lighttpd",
];

pub fn ensure_packages() -> Result<()> {
    let missing: Vec<&str> = PACKAGES.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        println!("    all {} system packages present", PACKAGES.len());
        return Ok(());
    }
    println!("    installing: {}", missing.join(" "));
    let sudo = !is_root();
    if sudo && !crate::step::on_path("sudo") {
        bail!(
            "these Debian packages are missing and I am not root: {}\n\
             install them with: apt-get install -y {}",
            missing.join(" "),
            missing.join(" ")
        );
    }
    let apt = |args: &[&str]| {
        let mut cmd = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend(&missing);
    apt(&install)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|uid| uid.trim() == "0")
        .unwrap_or(false)
}

pub fn ensure_wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("    wasm32-unknown-unknown present");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}
