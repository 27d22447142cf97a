// expect: E0382
// `move` gives `files` to the thread. In Python both would still see the
// same list; in Rust the main thread no longer owns it and may not use it.
use std::thread;

fn main() {
    let files = vec!["file1.txt", "file2.txt", "file3.txt"];
    let handle = thread::spawn(move || {
        for file in &files {
            println!("Starting download: {file}");
        }
    });
    println!("Downloading {} files", files.len());
    handle.join().unwrap();
}
