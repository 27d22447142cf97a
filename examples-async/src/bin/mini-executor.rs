//! Guide §11, the event loop built by hand: who resumes a paused coroutine? An
//! executor from std alone runs the §11 clients: a run queue, wakers, a timer
//! thread.
//!
//! Run: `cargo run -p examples-async --bin mini-executor`
//!
//! Look for: the lines of `event-loop` in the same ~3 s, but in a fixed
//! order: the queue is first-in first-out and the timer wakes in deadline
//! order, so the clients keep their order every round, as in CPython.
//!
//! What Rust changes: an `async fn` is a `Future` whose `poll` runs to the
//! next `.await` that is not ready and returns `Pending`, keeping the `Waker`
//! it was given; an executor polls what was woken and blocks while nothing was.
//!
//! New here: `Future::poll`, `Poll`, `Context`, `Waker` and the `Wake` trait, `Pin`.
//!
//! Try: a `println!` in `wake`, to see every wake-up.
//!
//! Copy: std only, no dependencies.

use std::pin::Pin;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

// The guide's task, unchanged: it knows nothing of the executor below.
async fn handle_client(client_id: u32) {
    println!("Client {client_id} connected");
    for i in 0..3 {
        sleep(Duration::from_secs(1)).await;
        println!("Client {client_id} sent message {}", i + 1);
    }
    println!("Client {client_id} disconnected");
}

// ---- Step 1: a timer thread keeps (deadline, waker) pairs sorted, blocks
// until the earliest, wakes that task. (asyncio: a heap; tokio: a wheel.) ----

/// The timer thread's inbox, set once by `start_timer`.
static TIMER: OnceLock<Sender<(Instant, Waker)>> = OnceLock::new();

/// Starts the timer thread; `main` calls it before any task runs.
fn start_timer() -> std::io::Result<()> {
    let (inbox, timers) = channel();
    thread::Builder::new().spawn(move || timer_thread(timers))?;
    let _ = TIMER.set(inbox);
    Ok(())
}

fn timer() -> &'static Sender<(Instant, Waker)> {
    TIMER.get().expect("main starts the timer first")
}

fn timer_thread(inbox: Receiver<(Instant, Waker)>) {
    let mut timers: Vec<(Instant, Waker)> = Vec::new();
    loop {
        // Wake every sleeper whose deadline has passed, earliest first.
        let now = Instant::now();
        let due = timers.partition_point(|(deadline, _)| *deadline <= now);
        timers.drain(..due).for_each(|(_, waker)| waker.wake());
        // Block until the next deadline or a new registration.
        let next = match timers.first() {
            Some((deadline, _)) => inbox.recv_timeout(deadline.saturating_duration_since(now)),
            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            // Insert after equal deadlines: ties wake in registration order.
            Ok(new) => {
                let at = timers.partition_point(|(deadline, _)| *deadline <= new.0);
                timers.insert(at, new);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

// ---- Step 2: a sleep future. The first poll registers with the timer and
// says "not yet"; the poll after the wake-up finds the deadline passed. ----
struct Sleep(Instant, bool); // deadline, registered with the timer yet?

fn sleep(duration: Duration) -> Sleep {
    Sleep(Instant::now() + duration, false)
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.0 {
            return Poll::Ready(());
        }
        if !self.1 {
            // The timer thread never returns while its Sender lives.
            let entry = (self.0, cx.waker().clone());
            timer().send(entry).expect("timer thread is gone");
            self.1 = true;
        }
        // (A real timer also swaps in a newer waker; ours never changes.)
        Poll::Pending
    }
}

// ---- Step 3: tasks and the run queue. Waking a task sends it back to the
// queue; the executor polls whatever comes out, in arrival order. ----

type BoxedFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A future (`None` once it has finished) and the queue it goes back to.
struct Task(Mutex<Option<BoxedFuture>>, Sender<Arc<Task>>);

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        // Fails only once the executor is gone, when nobody needs the wake.
        let _ = self.1.send(self.clone());
    }
}

/// Our `asyncio.gather`: queue every future as a task, then poll woken
/// tasks until all of them have finished.
fn run_all(futures: Vec<BoxedFuture>) {
    let (queue, ready) = channel::<Arc<Task>>();
    let mut unfinished = futures.len();
    for future in futures {
        let task = Task(Mutex::new(Some(future)), queue.clone());
        let _ = queue.send(Arc::new(task));
    }
    while unfinished > 0 {
        // Blocks while every task sleeps: the loop's idle time.
        let task = ready.recv().expect("we hold a Sender");
        let waker = Waker::from(task.clone());
        let mut cx = Context::from_waker(&waker);
        // Only this thread locks it; poisoning would mean a poll panicked.
        let mut slot = task.0.lock().unwrap();
        // A task woken after it finished has nothing left to poll.
        let Some(future) = slot.as_mut() else {
            continue;
        };
        if future.as_mut().poll(&mut cx).is_ready() {
            *slot = None;
            unfinished -= 1;
        }
    }
}

fn main() -> ExitCode {
    // `Builder::spawn` returns the OS's refusal instead of panicking.
    if let Err(e) = start_timer() {
        eprintln!("error: thread::Builder::spawn failed for the timer thread: {e}");
        return ExitCode::FAILURE;
    }
    let start_time = Instant::now();
    let clients = (0..3).map(|id| Box::pin(handle_client(id)) as BoxedFuture);
    run_all(clients.collect());
    let total = start_time.elapsed().as_secs_f64();
    println!("Total time: {total:.2} seconds");
    ExitCode::SUCCESS
}
