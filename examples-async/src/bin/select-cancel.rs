//! Guide extra answer 3, servers and scrapers wait on two things at once:
//! `select!` with a timer beside a read that is not cancellation-safe loses
//! data when the timer wins; then two fixes.
//!
//! Run: `cargo run -p examples-async --bin select-cancel`
//!
//! Look for: the same input (5 frames of 10 bytes, each sent in two halves
//! 100 ms apart, beside a 30 ms heartbeat timer): `read_exact` loses every
//! byte, both fixes lose none, and the timer fires as often in all three.
//!
//! What Rust changes: a future that loses a `select!` is dropped, and with it
//! whatever it had read: `read_exact` keeps its progress inside itself. Fix 1
//! keeps one future alive across iterations (`tokio::pin!`, `&mut read`);
//! fix 2 uses `read`, which is cancellation-safe, into a buffer outside the loop.
//!
//! New here: `tokio::select!`, `tokio::pin!`, `tokio::io::duplex`.
//!
//! Try: set `HEARTBEAT` to 150 ms: the broken loop now gets some frames whole.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "io-util"] }
//! ```

use std::io;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::time::sleep;

const FRAMES: usize = 5;
const FRAME: usize = 10;
const HALF_GAP: Duration = Duration::from_millis(100);
const HEARTBEAT: Duration = Duration::from_millis(30);

/// What a reader got: the frames, and how often its timer won.
struct Received {
    frames: Vec<[u8; FRAME]>,
    heartbeats: usize,
}

/// The scripted writer: frame i is `frame-000i`, sent as two halves with a
/// pause between them (and between frames), then the stream closes.
async fn send_frames(mut writer: DuplexStream) {
    for i in 0..FRAMES {
        let frame = format!("frame-{i:04}");
        for (n, half) in [&frame[..FRAME / 2], &frame[FRAME / 2..]]
            .into_iter()
            .enumerate()
        {
            if i + n > 0 {
                sleep(HALF_GAP).await;
            }
            writer
                .write_all(half.as_bytes())
                .await
                .expect("the reader is alive");
        }
    }
}

/// The pitfall: a new `read_exact` each iteration. When the heartbeat wins,
/// the half frame it had already taken from the stream is dropped with it.
async fn read_frames_broken(mut reader: DuplexStream) -> Received {
    let mut got = Received {
        frames: Vec::new(),
        heartbeats: 0,
    };
    let mut frame = [0u8; FRAME];
    loop {
        tokio::select! {
            result = reader.read_exact(&mut frame) => match result {
                Ok(_) => got.frames.push(frame),
                Err(_) => return got, // the end of the stream
            },
            _ = sleep(HEARTBEAT) => got.heartbeats += 1,
        }
    }
}

/// One frame, owning the reader and handing it back, so that a new read can
/// replace the finished one inside the pinned slot.
async fn read_frame(mut reader: DuplexStream) -> (DuplexStream, io::Result<[u8; FRAME]>) {
    let mut frame = [0u8; FRAME];
    let result = reader.read_exact(&mut frame).await.map(|_| frame);
    (reader, result)
}

/// Fix 1: one read future lives across iterations; the timer only pauses it.
async fn read_frames_pinned(reader: DuplexStream) -> Received {
    let mut got = Received {
        frames: Vec::new(),
        heartbeats: 0,
    };
    let read = read_frame(reader);
    tokio::pin!(read);
    loop {
        tokio::select! {
            (reader, result) = &mut read => match result {
                Ok(frame) => {
                    got.frames.push(frame);
                    read.set(read_frame(reader));
                }
                Err(_) => return got,
            },
            _ = sleep(HEARTBEAT) => got.heartbeats += 1,
        }
    }
}

/// Fix 2: `read` is cancellation-safe (it either read bytes or read none), and
/// the bytes go into a buffer that outlives every iteration.
async fn read_frames_buffered(mut reader: DuplexStream) -> Received {
    let mut got = Received {
        frames: Vec::new(),
        heartbeats: 0,
    };
    let mut pending = Vec::new();
    let mut chunk = [0u8; 64];
    loop {
        tokio::select! {
            result = reader.read(&mut chunk) => match result {
                Ok(0) | Err(_) => return got,
                Ok(n) => pending.extend_from_slice(&chunk[..n]),
            },
            _ = sleep(HEARTBEAT) => got.heartbeats += 1,
        }
        while pending.len() >= FRAME {
            let frame: Vec<u8> = pending.drain(..FRAME).collect();
            got.frames.push(frame.try_into().expect("FRAME bytes"));
        }
    }
}

/// Runs the writer against one reader on a fresh in-memory pipe and prints
/// what arrived.
async fn run<F: Future<Output = Received>>(label: &str, reader: impl FnOnce(DuplexStream) -> F) {
    let (writer, read_end) = tokio::io::duplex(1024);
    let start = Instant::now();
    let (got, ()) = tokio::join!(reader(read_end), send_frames(writer));
    let whole = (0..FRAMES)
        .map(|i| format!("frame-{i:04}"))
        .collect::<Vec<_>>();
    let intact = got
        .frames
        .iter()
        .filter(|f| whole.iter().any(|w| w.as_bytes() == &f[..]))
        .count();
    let lost = FRAMES * FRAME - intact * FRAME;
    println!(
        "{label:<32} frames {intact} of {FRAMES} intact, {} garbled, bytes lost {lost} of {}, heartbeats {}, {:.2} s",
        got.frames.len() - intact,
        FRAMES * FRAME,
        got.heartbeats,
        start.elapsed().as_secs_f64()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!(
        "{FRAMES} frames of {FRAME} bytes, each in two halves {} ms apart; a {} ms heartbeat in the same select!",
        HALF_GAP.as_millis(),
        HEARTBEAT.as_millis()
    );
    run("read_exact inside select!:", read_frames_broken).await;
    run("fix 1: one pinned read future:", read_frames_pinned).await;
    run("fix 2: read into a kept buffer:", read_frames_buffered).await;
}
