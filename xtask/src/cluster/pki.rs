//! Certificates and credentials, made fresh on every start with the `openssl` CLI.
//!
//! One CA signs everything: the API servers' serving certificate (both listen on 127.0.0.1, so
//! one certificate with IP and DNS SANs serves both) and the client certificates. Keys are
//! P-256 (fast to make); the service-account signing key is RSA, the most widely supported.

use super::layout;
use crate::step::describe;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The credentials a started control plane uses; paths are absolute.
pub struct Pki {
    pub ca_cert: PathBuf,
    pub serving_cert: PathBuf,
    pub serving_key: PathBuf,
    /// `O=system:masters`: the controller-managers, schedulers and KWOK (and xtask's own calls).
    pub components_cert: PathBuf,
    pub components_key: PathBuf,
    /// User `shipdeck-cert-admin`, bound to cluster-admin by a ClusterRoleBinding.
    pub admin_cert: PathBuf,
    pub admin_key: PathBuf,
    pub service_account_key: PathBuf,
    /// Static token file (`--token-auth-file`).
    pub token_file: PathBuf,
    /// Token of user `shipdeck-admin`, bound to cluster-admin.
    pub admin_token: String,
    /// Token of user `shipdeck-nobody`, with no RBAC rights at all.
    pub nobody_token: String,
}

pub const CERT_ADMIN_USER: &str = "shipdeck-cert-admin";
pub const TOKEN_ADMIN_USER: &str = "shipdeck-admin";
pub const NOBODY_USER: &str = "shipdeck-nobody";

pub fn generate() -> Result<Pki> {
    let dir = layout::pki_dir();
    std::fs::create_dir_all(&dir)?;
    let ca_cert = dir.join("ca.crt");
    let ca_key = dir.join("ca.key");
    quiet(
        openssl()
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-noenc", "-days", "3650", "-subj", "/CN=shipdeck-local-ca"])
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
            .arg("-keyout")
            .arg(&ca_key)
            .arg("-out")
            .arg(&ca_cert),
    )?;

    let signer = Signer {
        dir: &dir,
        ca_cert: &ca_cert,
        ca_key: &ca_key,
    };
    let serving_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\n\
                       extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature";
    let (serving_cert, serving_key) =
        signer.leaf("apiserver", "/CN=shipdeck-apiserver", serving_ext)?;
    let client_ext = "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature";
    let (components_cert, components_key) = signer.leaf(
        "components",
        "/O=system:masters/CN=shipdeck-components",
        client_ext,
    )?;
    let (admin_cert, admin_key) =
        signer.leaf("cert-admin", &format!("/CN={CERT_ADMIN_USER}"), client_ext)?;

    let service_account_key = dir.join("service-account.key");
    quiet(
        openssl()
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
            ])
            .arg(&service_account_key),
    )?;

    let admin_token = random_hex(16)?;
    let nobody_token = random_hex(16)?;
    let token_file = dir.join("tokens.csv");
    // token,user,uid — no groups, so the users get only what RBAC bindings give them.
    std::fs::write(
        &token_file,
        format!(
            "{admin_token},{TOKEN_ADMIN_USER},{TOKEN_ADMIN_USER}\n{nobody_token},{NOBODY_USER},{NOBODY_USER}\n"
        ),
    )?;

    Ok(Pki {
        ca_cert,
        serving_cert,
        serving_key,
        components_cert,
        components_key,
        admin_cert,
        admin_key,
        service_account_key,
        token_file,
        admin_token,
        nobody_token,
    })
}

struct Signer<'a> {
    dir: &'a Path,
    ca_cert: &'a Path,
    ca_key: &'a Path,
}

impl Signer<'_> {
    /// A P-256 key and a certificate for `subject` with the given v3 extensions, signed by the CA.
    fn leaf(&self, name: &str, subject: &str, extensions: &str) -> Result<(PathBuf, PathBuf)> {
        let (cert, key, csr, ext) = (
            self.dir.join(format!("{name}.crt")),
            self.dir.join(format!("{name}.key")),
            self.dir.join(format!("{name}.csr")),
            self.dir.join(format!("{name}.ext")),
        );
        quiet(
            openssl()
                .args([
                    "req",
                    "-new",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                ])
                .args(["-noenc", "-subj", subject, "-keyout"])
                .arg(&key)
                .arg("-out")
                .arg(&csr),
        )?;
        std::fs::write(&ext, extensions)?;
        quiet(
            openssl()
                .args(["x509", "-req", "-days", "3650", "-set_serial"])
                .arg(format!("0x{}", random_hex(8)?))
                .arg("-in")
                .arg(&csr)
                .arg("-CA")
                .arg(self.ca_cert)
                .arg("-CAkey")
                .arg(self.ca_key)
                .arg("-extfile")
                .arg(&ext)
                .arg("-out")
                .arg(&cert),
        )?;
        std::fs::remove_file(&csr)?;
        std::fs::remove_file(&ext)?;
        Ok((cert, key))
    }
}

fn openssl() -> Command {
    Command::new("openssl")
}

/// Runs quietly (openssl chats on stderr even when it succeeds); shows its stderr on failure.
fn quiet(cmd: &mut Command) -> Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start {}", describe(cmd)))?;
    if !out.status.success() {
        bail!(
            "{} exited with {}:\n{}",
            describe(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// `bytes` random bytes from the kernel, hex-encoded (tokens, serial numbers).
fn random_hex(bytes: usize) -> Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .context("reading /dev/urandom")?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
