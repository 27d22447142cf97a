//! A throw-away workspace with one example crate, for tests that need the
//! real verify path (build, run, check) on programs made to misbehave.

use std::fs;
use std::path::{Path, PathBuf};

/// A temporary workspace `examples-fixture` with the given binaries, each a
/// `(name, source, spec)`. Removed when dropped.
pub struct Fixture {
    pub root: PathBuf,
}

impl Fixture {
    pub fn new(tag: &str, bins: &[(&str, &str, &str)]) -> Fixture {
        let root = std::env::temp_dir().join(format!("xtask-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let pkg = root.join("examples-fixture");
        fs::create_dir_all(pkg.join("src/bin")).expect("temp dir");
        fs::create_dir_all(pkg.join("expected")).expect("temp dir");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"examples-fixture\"]\nresolver = \"3\"\n",
        );
        write(
            &pkg.join("Cargo.toml"),
            "[package]\nname = \"examples-fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n",
        );
        for (name, source, spec) in bins {
            write(&pkg.join(format!("src/bin/{name}.rs")), source);
            write(&pkg.join(format!("expected/{name}.txt")), spec);
        }
        Fixture { root }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
