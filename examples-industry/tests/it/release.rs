//! The binaries under test come from the release build that `cargo xtask
//! verify` makes, by the same command, so cargo reuses it: the heavy
//! dependencies are built optimized once for both, and argon2 runs at full
//! speed (unoptimized, as `[profile.test]` would build it, it is about ten
//! times slower).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The release executable of binary `name` of this package.
pub fn bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    match BUILT.get_or_init(build) {
        Ok(bins) => bins
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("the release build made no `{name}`")),
        Err(why) => panic!("{why}"),
    }
}

/// `cargo build --release` of every example package, exactly as
/// `xtask::catalog::build` runs it: cargo unifies features over the
/// packages of one build, so a build of this package alone would compile
/// tokio and everything above it a second time.
fn build() -> Result<HashMap<String, PathBuf>, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the package sits in the workspace");
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--bins",
            "--workspace",
            "--exclude",
            "xtask",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo build --release failed: {}", out.status));
    }
    let mut bins = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(m) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let ours = m["manifest_path"]
            .as_str()
            .is_some_and(|p| Path::new(p).starts_with(env!("CARGO_MANIFEST_DIR")));
        if let (true, Some(name), Some(exe)) =
            (ours, m["target"]["name"].as_str(), m["executable"].as_str())
        {
            bins.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    Ok(bins)
}
