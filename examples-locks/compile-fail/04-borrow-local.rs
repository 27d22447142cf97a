// expect: E0373
// `thread::spawn` may outlive the function that called it, so its closure
// cannot borrow a local: `files` could be freed while the thread still reads
// it.
use std::thread;

fn main() {
    let files = vec!["file1.txt", "file2.txt", "file3.txt"];
    let handle = thread::spawn(|| {
        for file in &files {
            println!("Starting download: {file}");
        }
    });
    handle.join().unwrap();
}
