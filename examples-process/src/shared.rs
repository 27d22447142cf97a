//! A `u64` in memory shared by every process forked after it was made: the
//! analog of Python's `Value('i', 0)`, as a type the measuring binaries
//! reuse. (`multiprocessing.rs` makes the same mapping in a few lines of its
//! own, so that it copies alone.)

use std::num::NonZeroUsize;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

use nix::sys::mman::{self, MapFlags, ProtFlags};

/// Why not a `Mutex<u64>`? After `fork`, ordinary memory is *copied*: each
/// child would lock and change its own copy, and the parent would read 0.
/// A `std::sync::Mutex` placed in shared memory does not fix it either: std
/// promises nothing about it across processes (on Linux it waits on a
/// process-private futex, so a waiter in one process is never woken by an
/// unlock in another). An atomic needs no lock: std's atomics are lock-free
/// (they take no hidden lock), so they act on the shared memory itself. Rust's
/// memory model is stated for threads, so this use across processes is
/// outside what it formally covers; in practice it works on one machine.
pub struct SharedCounter {
    ptr: NonNull<AtomicU64>,
}

const COUNTER_SIZE: NonZeroUsize = NonZeroUsize::new(size_of::<AtomicU64>()).unwrap();

impl SharedCounter {
    /// Maps one zero-filled page `MAP_SHARED`: a counter holding 0.
    pub fn new() -> nix::Result<Self> {
        // SAFETY: a new anonymous mapping at an address the kernel picks
        // cannot overlap any memory Rust already uses.
        let ptr = unsafe {
            mman::mmap_anonymous(
                None,
                COUNTER_SIZE,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                // MAP_PRIVATE would be copied on fork like the rest of memory.
                MapFlags::MAP_SHARED,
            )?
        };
        Ok(SharedCounter { ptr: ptr.cast() })
    }

    pub fn get(&self) -> &AtomicU64 {
        // SAFETY: the mapping is page-aligned, initialized (zeroes are a
        // valid `AtomicU64`) and lives as long as `self`; every process
        // touches it only through atomic operations.
        unsafe { self.ptr.as_ref() }
    }
}

impl Drop for SharedCounter {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `mmap_anonymous` with this size and
        // no reference from `get` can outlive `self`.
        let _ = unsafe { mman::munmap(self.ptr.cast(), COUNTER_SIZE.get()) };
    }
}
