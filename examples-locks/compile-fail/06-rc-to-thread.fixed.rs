// Fix: `Arc` counts its owners with an atomic integer, so it is `Send` and
// `Sync` (for contents that are).
use std::sync::Arc;
use std::thread;

fn main() {
    let config = Arc::new(String::from("file1.txt"));
    let for_thread = Arc::clone(&config);
    let handle = thread::spawn(move || {
        println!("Starting download: {for_thread}");
    });
    handle.join().unwrap();
    println!("Owners left: {}", Arc::strong_count(&config));
}
