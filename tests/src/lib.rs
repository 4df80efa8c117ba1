//! The e2e harness: starts the real app under tauri-driver and drives it with WebDriver.
//!
//! `cargo xtask test` provides what it needs through the environment: the app binary
//! (`SHIPDECK_APP_BIN`), the driver (`SHIPDECK_TAURI_DRIVER`), a display, the demo workspace
//! (`SHIPDECK_DEMO_WORKSPACE`), the local cluster's kubeconfig (`SHIPDECK_KUBECONFIG`) and
//! where screenshots go (`SHIPDECK_SCREENSHOTS`).
//!
//! Each app runs in a [`Home`]: its own XDG dirs and its own session bus with its own keyring,
//! so tests share no state. A home outlives the app in it: [`App::quit`] hands it back and
//! [`App::start`] launches the app again on it, as a user relaunches the app.

mod git_http;
mod kube;
mod scan;
mod session;

pub use git_http::HttpGit;
pub use kube::{admin_token, local_kubeconfig, write_without_credentials};
pub use scan::{file_count, files_containing};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use session::{Process, Session};
use shipdeck_testkit::free_port;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Long enough for one more cluster check (every 30 s) when the first timed out on a loaded
/// machine; a wait that succeeds returns at once.
const WAIT: Duration = Duration::from_secs(60);
/// How long an app may take to exit once its WebDriver session ended.
const EXIT: Duration = Duration::from_secs(30);
/// How long tauri-driver and WebKitWebDriver may take to accept a session.
const CONNECT: Duration = Duration::from_secs(30);
/// Set on the driver and so inherited by WebKitWebDriver, the app and its WebKit processes:
/// how [`App::quit`] finds out that all of them have exited.
const HOME_MARKER: &str = "SHIPDECK_E2E_HOME";

fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .with_context(|| format!("{name} is not set: run the e2e tests with `cargo xtask test`"))
}

/// What the app is a home to: its data, config and cache dirs, and a private session bus
/// with its own keyring (whose files live beside them, not in the app's dirs).
pub struct Home {
    // Dropped first: the keyring and the bus, then the directory they keep files in.
    session: Session,
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let session = Session::start(&dir.path().join("session"))?;
        Ok(Self { session, dir })
    }

    /// A home whose session bus has no Secret Service and cannot start one.
    pub fn without_keyring() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let session = Session::without_keyring(&dir.path().join("session"))?;
        Ok(Self { session, dir })
    }

    /// Where the app keeps its settings in this home.
    pub fn settings_file(&self) -> PathBuf {
        self.path()
            .join("config/dev.shipdeck.desktop/settings.toml")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every directory the app writes to: data (logs and WebKit storage too), config, cache.
    pub fn app_dirs(&self) -> Vec<PathBuf> {
        ["data", "config", "cache"]
            .iter()
            .map(|d| self.path().join(d))
            .collect()
    }

    /// The desktop notifications the app raised, as `dbus-monitor` printed them.
    pub fn notifications(&self) -> Result<String> {
        self.session.notifications()
    }

    /// The account names of the secrets in this home's keyring (`cluster/<id>/token`, …).
    pub fn stored_credentials(&self) -> Result<Vec<String>> {
        self.session.stored_accounts()
    }
}

/// What the app is started on.
#[derive(Clone, Debug)]
pub struct Options {
    /// `SHIPDECK_WORKSPACE`, or none.
    pub workspace: Option<PathBuf>,
    /// `KUBECONFIG`, or none.
    pub kubeconfig: Option<PathBuf>,
}

impl Options {
    /// The demo workspace and the local control plane's kubeconfig.
    pub fn demo() -> Result<Self> {
        Ok(Self {
            workspace: Some(env_path("SHIPDECK_DEMO_WORKSPACE")?),
            kubeconfig: std::env::var_os("SHIPDECK_KUBECONFIG").map(PathBuf::from),
        })
    }
}

/// A running Shipdeck window and the WebDriver session attached to it.
pub struct App {
    pub client: Client,
    // Fields drop in order: the session, then the driver, then the home.
    driver: Driver,
    home: Home,
    options: Options,
}

impl App {
    /// Launches Shipdeck on the demo workspace in a new home and waits until the UI mounted.
    pub async fn launch() -> Result<Self> {
        Self::start(Home::new()?, Options::demo()?).await
    }

    /// Launches Shipdeck on `workspace` (or none) in a new home.
    pub async fn launch_on(workspace: Option<&Path>) -> Result<Self> {
        let options = Options {
            workspace: workspace.map(Path::to_path_buf),
            ..Options::demo()?
        };
        Self::start(Home::new()?, options).await
    }

    /// Launches Shipdeck in `home` and waits until the UI has mounted.
    pub async fn start(home: Home, options: Options) -> Result<Self> {
        let app = env_path("SHIPDECK_APP_BIN")?;
        let driver_bin = env_path("SHIPDECK_TAURI_DRIVER")?;
        let (port, native_port) = (free_port(), free_port());

        let mut cmd = Command::new(&driver_bin);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        // The app inherits the driver's environment: its home's dirs, bus and keyring.
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("DBUS_SESSION_BUS_ADDRESS", &home.session.address)
        .env_remove("GNOME_KEYRING_CONTROL")
        // No accessibility bus runs on the private bus: without this GTK's AT-SPI bridge
        // waits out D-Bus timeouts (25 s each) looking for one.
        .env("NO_AT_BRIDGE", "1")
        .env(HOME_MARKER, home.path());
        match &options.workspace {
            Some(path) => cmd.env("SHIPDECK_WORKSPACE", path),
            None => cmd.env_remove("SHIPDECK_WORKSPACE"),
        };
        // The app reads kubeconfig like kubectl.
        match &options.kubeconfig {
            Some(path) => cmd.env("KUBECONFIG", path),
            None => cmd.env_remove("KUBECONFIG"),
        };
        // Guarded from here on: if connecting fails, the driver (and its WebKitWebDriver) stop.
        let mut driver = Process(cmd.spawn().context("starting tauri-driver")?);

        let capabilities = serde_json::json!({
            "browserName": "wry",
            "tauri:options": { "application": app }
        });
        let client = connect(port, &mut driver, capabilities).await?;
        let app = Self {
            client,
            driver,
            home,
            options,
        };
        app.wait_for(".shell")
            .await
            .context("the UI did not mount")?;
        Ok(app)
    }

    /// The home holding the app's data, config, cache and log directories.
    pub fn home(&self) -> &Home {
        &self.home
    }

    /// Quits the app as a user would (the window closes) and waits until it and its WebKit
    /// processes have exited; returns its home for [`App::start`].
    pub async fn quit(self) -> Result<Home> {
        let Self {
            client,
            driver,
            home,
            ..
        } = self;
        let closed = client.close().await;
        // The drivers stay up until the app is gone: stopped at once, WebKitWebDriver could
        // die before it told the app to close its window, and the app would run on.
        let app_exited = wait_until_exited(home.path(), Processes::App).await;
        drop(driver);
        app_exited?;
        wait_until_exited(home.path(), Processes::All).await?;
        closed.context("closing the WebDriver session")?;
        Ok(home)
    }

    /// Quits the app and starts it again in the same home, on the same workspace.
    pub async fn relaunch(self) -> Result<Self> {
        let options = self.options.clone();
        let home = self.quit().await?;
        Self::start(home, options).await
    }

    /// Types into an input, replacing what it held. Found again if the page re-rendered it
    /// in between (a live update replaces rows while a test types).
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let input = self.wait_for(css).await?;
            let typed = async {
                input.clear().await?;
                input.send_keys(text).await
            };
            match typed.await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() > deadline => return Err(e.into()),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Presses `key` with the element focused; the key events bubble up to the window.
    pub async fn press(&self, css: &str, key: fantoccini::key::Key) -> Result<()> {
        let element = self.wait_for(css).await?;
        element.send_keys(&char::from(key).to_string()).await?;
        Ok(())
    }

    /// A property of the element (`value` of an input), read from the element as it is now,
    /// found again if the page re-rendered it in between.
    pub async fn prop(&self, css: &str, name: &str) -> Result<Option<String>> {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self.wait_for(css).await?;
            match element.prop(name).await {
                Ok(value) => return Ok(value),
                Err(e) if Instant::now() > deadline => return Err(e.into()),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return Ok(text);
            }
            if Instant::now() > deadline {
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

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Scrolls the page to `fraction` (0.0 top, 1.0 bottom) of its height, as a user would.
    pub async fn scroll_to(&self, fraction: f64) -> Result<()> {
        self.client
            .execute(
                "window.scrollTo(0, (document.documentElement.scrollHeight - window.innerHeight) * arguments[0]);",
                vec![fraction.into()],
            )
            .await?;
        Ok(())
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

    /// Quits the app and removes its home.
    pub async fn close(self) -> Result<()> {
        self.quit().await.map(drop)
    }
}

/// Which of the processes started for a home [`wait_until_exited`] waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Processes {
    /// The app and its WebKit processes.
    App,
    /// Those and the drivers.
    All,
}

/// Waits until none of `which` processes started for `home` runs any more; kills what is
/// left after [`EXIT`] and fails, since a relaunch next to a lingering app would test nothing.
async fn wait_until_exited(home: &Path, which: Processes) -> Result<()> {
    let deadline = Instant::now() + EXIT;
    loop {
        let left: Vec<u32> = processes_of(home)
            .into_iter()
            .filter(|pid| which == Processes::All || !is_driver(*pid))
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let names: Vec<String> = left
                .iter()
                .map(|pid| {
                    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
                    format!("{pid} {}", exe.display())
                })
                .collect();
            // What each thread of a lingering process is doing, so the failure can be
            // diagnosed from the log alone (gdb is there on a developer's machine and in CI).
            let stacks: Vec<String> = left
                .iter()
                .map(|pid| {
                    Command::new("gdb")
                        .args([
                            "-batch",
                            "-p",
                            &pid.to_string(),
                            "-ex",
                            "thread apply all bt 12",
                        ])
                        .output()
                        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                        .unwrap_or_default()
                })
                .collect();
            for pid in &left {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            bail!(
                "{names:?} were still running {EXIT:?} after the app's session ended; their threads:\n{}",
                stacks.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `pid` is tauri-driver or the WebKitWebDriver it started.
fn is_driver(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| matches!(comm.trim(), "tauri-driver" | "WebKitWebDriver"))
}

/// Processes whose environment carries `home`'s marker.
fn processes_of(home: &Path) -> Vec<u32> {
    let marker = format!("{HOME_MARKER}={}", home.display()).into_bytes();
    let Ok(proc) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    proc.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == marker.as_slice()))
        })
        .collect()
}

/// A running tauri-driver (see [`Process`] for how it stops).
type Driver = Process;

async fn connect(
    port: u16,
    driver: &mut Driver,
    capabilities: serde_json::Value,
) -> Result<Client> {
    let serde_json::Value::Object(caps) = capabilities else {
        bail!("capabilities must be an object");
    };
    let url = format!("http://127.0.0.1:{port}");
    // tauri-driver needs a moment to listen, and WebKitWebDriver behind it another; on a
    // loaded two-core machine both can take seconds.
    let deadline = Instant::now() + CONNECT;
    loop {
        let err = match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Ok(client),
            Err(err) => err,
        };
        // tauri-driver prints why it stopped (a port it could not bind) on its stdout.
        if let Ok(Some(status)) = driver.0.try_wait() {
            return Err(err).with_context(|| format!("tauri-driver exited ({status})"));
        }
        if Instant::now() >= deadline {
            return Err(err).with_context(|| {
                format!("tauri-driver did not start a session within {CONNECT:?}")
            });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
