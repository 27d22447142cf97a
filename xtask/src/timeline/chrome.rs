//! The trace in Chrome's trace-event format (the JSON object form), which
//! Perfetto (ui.perfetto.dev) and `chrome://tracing` open, and which
//! Python's viztracer also writes: a Python run of the guide can be opened
//! beside it.
//!
//! - `ph: "M"` metadata events name each process (`process_name`) and
//!   thread (`thread_name`) and keep the picture's row order
//!   (`thread_sort_index`);
//! - each thread's track has one `ph: "X"` slice for its whole sampled
//!   life, with its states as `ph: "X"` slices nested inside it;
//! - each printed line is an instant event (`ph: "i"`) on the thread track
//!   of the example's main thread.
//!
//! Times (`ts`, `dur`) are microseconds since the example started.

use serde_json::{Value, json};

use super::model::Trace;
use crate::run::Stream;

fn us(seconds: f64) -> f64 {
    (seconds * 1e6).round()
}

/// The trace as a Chrome trace-event JSON object.
pub fn render(trace: &Trace) -> Value {
    let mut events = Vec::new();
    let mut pids: Vec<i32> = trace.tracks.iter().map(|t| t.pid).collect();
    pids.dedup();
    for pid in pids {
        let name = if pid == trace.root {
            format!("{} (pid {pid})", trace.name)
        } else {
            format!("process {pid}, child of {}", trace.name)
        };
        events.push(json!({
            "ph": "M", "name": "process_name", "pid": pid, "tid": pid,
            "args": { "name": name },
        }));
    }
    for (i, t) in trace.tracks.iter().enumerate() {
        events.push(json!({
            "ph": "M", "name": "thread_name", "pid": t.pid, "tid": t.tid,
            "args": { "name": t.label },
        }));
        events.push(json!({
            "ph": "M", "name": "thread_sort_index", "pid": t.pid, "tid": t.tid,
            "args": { "sort_index": i },
        }));
        let spans = t.spans();
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
            continue;
        };
        // The outer slice: the thread's sampled life. Its states nest
        // inside it (same track, within its start and end).
        let (start, end) = (us(first.start), us(last.end));
        events.push(json!({
            "ph": "X", "name": t.label, "cat": "thread", "pid": t.pid, "tid": t.tid,
            "ts": start, "dur": end - start,
        }));
        for s in spans {
            let (s_start, s_end) = (us(s.start), us(s.end));
            events.push(json!({
                "ph": "X", "name": s.state.name(), "cat": "state", "pid": t.pid, "tid": t.tid,
                "ts": s_start, "dur": s_end - s_start,
            }));
        }
    }
    for line in &trace.lines {
        let stream = match line.stream {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        };
        events.push(json!({
            "ph": "i", "s": "t", "name": line.text, "cat": stream,
            "pid": trace.root, "tid": trace.root, "ts": us(line.at),
        }));
    }
    json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "example": trace.name,
            "recorded_by": "cargo xtask timeline",
            "sample_interval_ms": (trace.interval * 1e5).round() / 100.0,
            "wall_seconds": trace.wall,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::model::{Line, Point, State, Track};
    use super::*;

    fn trace() -> Trace {
        let point = |sweep, from, at, state| Point {
            sweep,
            from,
            at,
            state,
        };
        Trace {
            name: "ex".into(),
            root: 10,
            tracks: vec![Track {
                pid: 10,
                tid: 10,
                label: "main".into(),
                points: vec![
                    point(0, 0.0, 0.001, State::Running),
                    point(1, 0.001, 0.002, State::Running),
                    point(2, 0.002, 0.0035, State::Sleeping),
                ],
            }],
            lines: vec![Line {
                at: 0.0015,
                stream: Stream::Stdout,
                text: "hello".into(),
            }],
            wall: 0.004,
            interval: 0.001,
        }
    }

    #[test]
    fn events_have_the_fields_chrome_reads() {
        let v = render(&trace());
        let events = v["traceEvents"].as_array().unwrap();
        let ph = |p: &str| events.iter().filter(|e| e["ph"] == p).count();
        assert_eq!((ph("M"), ph("X"), ph("i")), (3, 3, 1));
        let name = events.iter().find(|e| e["name"] == "thread_name").unwrap();
        assert_eq!(name["args"]["name"], "main");
        assert_eq!(
            (name["pid"].as_i64(), name["tid"].as_i64()),
            (Some(10), Some(10))
        );
        // Microseconds; the two running samples are one slice.
        let slices: Vec<(f64, f64)> = events
            .iter()
            .filter(|e| e["ph"] == "X")
            .map(|e| (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap()))
            .collect();
        assert_eq!(slices, [(0.0, 3500.0), (0.0, 2000.0), (2000.0, 1500.0)]);
        let line = events.iter().find(|e| e["ph"] == "i").unwrap();
        assert_eq!(
            (line["ts"].as_f64(), line["name"].as_str()),
            (Some(1500.0), Some("hello"))
        );
    }
}
