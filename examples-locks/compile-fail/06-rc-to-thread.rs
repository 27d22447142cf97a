// expect: E0277
// `Rc` counts its owners with a plain integer. If two threads cloned and
// dropped it at once, the count could be lost like the guide's counter, so
// `Rc` is not `Send` and `spawn` refuses it.
use std::rc::Rc;
use std::thread;

fn main() {
    let config = Rc::new(String::from("file1.txt"));
    let for_thread = Rc::clone(&config);
    let handle = thread::spawn(move || {
        println!("Starting download: {for_thread}");
    });
    handle.join().unwrap();
    println!("Owners left: {}", Rc::strong_count(&config));
}
