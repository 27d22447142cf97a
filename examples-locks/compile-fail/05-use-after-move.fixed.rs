// Fix: use the value before the move, move a clone, or have the thread
// return it through `join`. Here the thread hands `files` back.
use std::thread;

fn main() {
    let files = vec!["file1.txt", "file2.txt", "file3.txt"];
    let handle = thread::spawn(move || {
        for file in &files {
            println!("Starting download: {file}");
        }
        files
    });
    let files = handle.join().unwrap();
    println!("Downloaded {} files", files.len());
}
