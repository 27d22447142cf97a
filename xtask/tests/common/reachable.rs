//! A copy of a test binary that an unprivileged user can run.
//!
//! The tests that provoke a refused thread or fork run a binary as user
//! 65534 under `prlimit --nproc` (root is exempt from the limit). That user
//! cannot reach a binary inside a checkout whose directory is private (a
//! `mktemp -d` clone is mode 0700), so the binary is copied to a directory
//! of its own under the system's temporary directory, readable and
//! executable by all, and removed again when the copy is dropped. Shared by
//! the example crates' tests with `#[path = ".../reachable.rs"] mod reachable;`.

#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A world-executable copy of a binary, deleted on drop.
pub struct Reachable {
    dir: PathBuf,
    path: PathBuf,
}

impl Reachable {
    /// Copies `bin` (a `CARGO_BIN_EXE_*` path) to a fresh 0755 directory.
    pub fn copy(bin: impl AsRef<Path>) -> Reachable {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let bin = bin.as_ref();
        let dir = std::env::temp_dir().join(format!(
            "unprivileged-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a directory in the temporary directory");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod 755");
        let path = dir.join(bin.file_name().expect("a binary has a file name"));
        // `cp` in a process of its own, not `fs::copy`: while this process
        // holds the copy open for writing, a thread of the test harness
        // that forks (to start another example) hands that descriptor to
        // its child until the child execs, and exec'ing the copy meanwhile
        // fails with ETXTBSY ("Text file busy": seen twice in five runs).
        // Only `cp` ever holds it open, and it has exited when this returns.
        let copied = Command::new("cp")
            .arg(bin)
            .arg(&path)
            .status()
            .unwrap_or_else(|e| panic!("cp {}: {e}", bin.display()));
        assert!(copied.success(), "cp {} failed: {copied}", bin.display());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod 755");
        Reachable { dir, path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Reachable {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}
