//! The e2e harness: starts the real app under tauri-driver and drives it with WebDriver.
//!
//! `cargo xtask test` provides what it needs through the environment: the app binary
//! (`SHIPDECK_APP_BIN`), the driver (`SHIPDECK_TAURI_DRIVER`), a display and dbus session, the
//! demo workspace (`SHIPDECK_DEMO_WORKSPACE`) and where screenshots go (`SHIPDECK_SCREENSHOTS`).
//! Each test gets its own driver ports and its own XDG dirs, so tests never share state.

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .with_context(|| format!("{name} is not set: run the e2e tests with `cargo xtask test`"))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running Shipdeck window and the WebDriver session attached to it.
pub struct App {
    pub client: Client,
    // Held for its Drop; fields drop in order: the session, then the driver, then the home.
    _driver: Driver,
    // Holds the per-test XDG dirs until the app is gone.
    _home: tempfile::TempDir,
}

impl App {
    /// Launches Shipdeck on the demo workspace and waits until the UI has mounted.
    pub async fn launch() -> Result<Self> {
        Self::launch_on(Some(&env_path("SHIPDECK_DEMO_WORKSPACE")?)).await
    }

    /// Launches Shipdeck on `workspace` (or none) and waits until the UI has mounted.
    pub async fn launch_on(workspace: Option<&Path>) -> Result<Self> {
        let app = env_path("SHIPDECK_APP_BIN")?;
        let driver_bin = env_path("SHIPDECK_TAURI_DRIVER")?;
        let home = tempfile::tempdir()?;
        let (port, native_port) = (free_port()?, free_port()?);

        let mut cmd = Command::new(&driver_bin);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        // The app inherits the driver's environment: give it private state dirs.
        for (var, sub) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(var, home.path().join(sub));
        }
        match workspace {
            Some(path) => cmd.env("SHIPDECK_WORKSPACE", path),
            None => cmd.env_remove("SHIPDECK_WORKSPACE"),
        };
        // The app reads kubeconfig like kubectl: point it at the local control plane.
        if let Some(kubeconfig) = std::env::var_os("SHIPDECK_KUBECONFIG") {
            cmd.env("KUBECONFIG", kubeconfig);
        }
        // Guarded from here on: if connecting fails, the driver (and its WebKitWebDriver) stop.
        let driver = Driver(cmd.spawn().context("starting tauri-driver")?);

        let capabilities = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app }
        });
        let client = connect(port, capabilities).await?;
        let app = Self {
            client,
            _driver: driver,
            _home: home,
        };
        app.wait_for(".shell")
            .await
            .context("the UI did not mount")?;
        Ok(app)
    }

    /// The per-test home holding the app's data, config, cache and log directories.
    pub fn home(&self) -> &Path {
        self._home.path()
    }

    /// Types into an input, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let input = self.wait_for(css).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return Ok(text);
            }
            if std::time::Instant::now() > deadline {
                bail!("`{css}` never contained '{needle}'; last text: {text}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The element's `textContent`: all its text, including what CSS clips (WebDriver's
    /// visible text leaves out ellipsised overflow).
    pub async fn text_content(&self, css: &str) -> Result<String> {
        self.wait_for(css).await?;
        let value = self
            .client
            .execute(
                "return document.querySelector(arguments[0]).textContent;",
                vec![css.into()],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}`"))
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?.click().await?;
        Ok(())
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// Saves a PNG of the window as `<SHIPDECK_SCREENSHOTS>/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // Two animation frames, so the picture is of this page and not the previous frame.
        self.client
            .execute_async(
                "const done = arguments[0]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let dir = env_path("SHIPDECK_SCREENSHOTS")?;
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session and stops the driver.
    pub async fn close(self) -> Result<()> {
        let closed = self.client.clone().close().await;
        drop(self);
        closed.context("closing the WebDriver session")
    }
}

/// A running tauri-driver, stopped when dropped on every path (a test that fails, a launch
/// that never connects). SIGTERM, not SIGKILL: SIGKILL would leave WebKitWebDriver holding
/// its port.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.id().to_string()])
                .status();
            let _ = self.0.wait();
        }
    }
}

async fn connect(port: u16, capabilities: serde_json::Value) -> Result<Client> {
    let serde_json::Value::Object(caps) = capabilities else {
        bail!("capabilities must be an object");
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_err = None;
    // tauri-driver needs a moment to listen.
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Ok(client),
            Err(err) => last_err = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(last_err
        .map(anyhow::Error::from)
        .unwrap_or_else(|| anyhow::anyhow!("no attempt")))
    .context("connecting to tauri-driver")
}
