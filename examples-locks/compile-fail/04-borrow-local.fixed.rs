// Fix: `thread::scope` joins its threads before it returns, so they may
// borrow locals. (Or write `move ||` to give the thread its own `files`.)
use std::thread;

fn main() {
    let files = vec!["file1.txt", "file2.txt", "file3.txt"];
    thread::scope(|s| {
        s.spawn(|| {
            for file in &files {
                println!("Starting download: {file}");
            }
        });
    });
    println!("Still mine: {files:?}");
}
