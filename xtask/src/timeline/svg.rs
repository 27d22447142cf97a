//! The trace as an SVG picture, written by hand like the bench's chart
//! (`bench::svg`, whose escaping it shares): one row per thread, its states
//! as coloured bars, a time axis in seconds, the printed lines as markers
//! with visible labels (hover text does not work where an SVG is shown as
//! an image), and a legend. The solid colours differ in lightness and the
//! other three states are patterns (diagonal stripes, horizontal stripes,
//! dots), so a greyscale print keeps every state apart.

use std::fmt::Write;

use super::model::{State, Trace};
use crate::bench::svg::esc;
use crate::run::Stream;

const WIDTH: f64 = 1000.0;
const RIGHT: f64 = 30.0;
const ROW_H: f64 = 18.0;
const ROW_GAP: f64 = 5.0;
/// One label level of the printed lines.
const LEVEL_H: f64 = 14.0;
const MAX_LEVELS: usize = 12;
/// Average width of a character at the label sizes, in pixels (sans-serif
/// at 11 px; generous, so that estimated boxes never overlap real text).
const CHAR_W: f64 = 6.4;
const MAX_LABEL: usize = 64;

/// The fill of a state: a colour, or a pattern defined in `<defs>`.
fn fill(state: State) -> &'static str {
    match state {
        State::Running => "#0b3d0b",
        State::Runnable => "url(#runnable)",
        State::Blocked => "#fb6a4a",
        State::Sleeping => "#c6dbef",
        State::Io => "url(#io)",
        State::Child => "#fdae6b",
        State::Asleep => "url(#asleep)",
    }
}

const DEFS: &str = r##"<defs>
<pattern id="runnable" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#0b3d0b"/></pattern>
<pattern id="io" patternUnits="userSpaceOnUse" width="4" height="4"><rect width="4" height="4" fill="#ffffff"/><rect width="4" height="2.5" fill="#6a51a3"/></pattern>
<pattern id="asleep" patternUnits="userSpaceOnUse" width="5" height="5"><rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.2" fill="#555555"/></pattern>
</defs>
"##;

/// A tick step of 1, 2 or 5 times a power of ten giving at most `max` ticks.
pub fn tick_step(span: f64, max: usize) -> f64 {
    let raw = span.max(1e-6) / max as f64;
    let decade = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * decade)
}

/// A tick label with as many decimals as the step needs.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// `text` in pieces of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// A placed label of a printed line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Index into the trace's lines.
    pub line: usize,
    pub level: usize,
    /// The marker's x, and the label's left and right edge.
    pub x: f64,
    pub left: f64,
    pub right: f64,
}

/// Places the labels of lines at `xs` (in time order), each `widths[i]`
/// wide, on levels from the top down so that no two labels overlap and no
/// marker line, which runs from its label down to the rows, crosses
/// another label. A line with no room keeps its marker, unlabelled.
pub fn place_labels(xs: &[f64], widths: &[f64], min_x: f64, max_x: f64) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    for (i, (&x, &w)) in xs.iter().zip(widths).enumerate() {
        // Right of the marker; near the right edge, left of it, or left of
        // an earlier marker close by (which would otherwise cross it).
        let mut spots = vec![if x + 3.0 + w <= max_x {
            (x + 3.0, x + 3.0 + w)
        } else {
            (x - 3.0 - w, x - 3.0)
        }];
        for p in placed.iter().filter(|p| p.x <= x && p.x >= x - 12.0) {
            let right = (p.x - 3.0).min(max_x);
            spots.push((right - w, right));
        }
        // A label never leaves the picture.
        spots.retain(|&(left, right)| left >= min_x && right <= max_x);
        let fits = |level: usize, (left, right): (f64, f64)| {
            placed.iter().all(|p| {
                let apart = right + 6.0 < p.left || left > p.right + 6.0;
                // Its marker passes the levels below it, theirs too.
                let mine_clear = p.level <= level || !(p.left - 2.0..=p.right + 2.0).contains(&x);
                let theirs_clear = level <= p.level || !(left - 2.0..=right + 2.0).contains(&p.x);
                (p.level != level || apart) && mine_clear && theirs_clear
            })
        };
        let found = (0..MAX_LEVELS).find_map(|l| {
            spots
                .iter()
                .find(|&&spot| fits(l, spot))
                .map(|&spot| (l, spot))
        });
        if let Some((level, (left, right))) = found {
            placed.push(Placed {
                line: i,
                level,
                x,
                left,
                right,
            });
        }
    }
    placed
}

/// The picture.
pub fn render(trace: &Trace, sampler_share: f64, machine: &str) -> String {
    let label_w = trace
        .tracks
        .iter()
        .map(|t| t.label.chars().count() as f64 * 7.2)
        .fold(40.0, f64::max)
        + 20.0;
    let plot_x = label_w;
    let plot_w = WIDTH - plot_x - RIGHT;
    let end = trace
        .tracks
        .iter()
        .filter_map(|t| t.points.last().map(|p| p.at))
        .chain(trace.lines.iter().map(|l| l.at))
        .fold(trace.wall, f64::max)
        .max(1e-3);
    let step = tick_step(end, 10);
    // The plot spans the run exactly; ticks stop at the last one inside.
    let axis_end = end;
    let px = |t: f64| plot_x + t / axis_end * plot_w;

    // The printed lines' labels: a line longer than `MAX_LABEL` is never
    // cut short above the rows; it is numbered and listed in full below.
    let texts: Vec<String> = trace
        .lines
        .iter()
        .map(|l| match l.stream {
            Stream::Stdout => l.text.clone(),
            Stream::Stderr => format!("stderr: {}", l.text),
        })
        .collect();
    let xs: Vec<f64> = trace.lines.iter().map(|l| px(l.at)).collect();
    let widths: Vec<f64> = texts
        .iter()
        .map(|t| match t.chars().count() {
            n if n <= MAX_LABEL => n as f64 * CHAR_W,
            _ => f64::INFINITY,
        })
        .collect();
    let placed = place_labels(&xs, &widths, 10.0, WIDTH - 5.0);
    let levels = placed.iter().map(|p| p.level + 1).max().unwrap_or(0);
    // Lines without room for a label: numbered tags (a group of lines
    // printed close together shares one, `3-5`), listed below the legend.
    let unplaced: Vec<usize> = (0..xs.len())
        .filter(|&i| placed.iter().all(|p| p.line != i))
        .collect();
    let mut tags: Vec<(f64, usize, usize)> = Vec::new();
    for (n, &i) in unplaced.iter().enumerate() {
        match tags.last_mut() {
            Some((x, _, last)) if xs[i] - *x < 28.0 => *last = n + 1,
            _ => tags.push((xs[i], n + 1, n + 1)),
        }
    }
    let tag_text = |&(_, a, b): &(f64, usize, usize)| {
        if a == b {
            format!("{a}")
        } else {
            format!("{a}-{b}")
        }
    };

    let mut s = String::new();
    let band_top = 52.0;
    let tag_row = if tags.is_empty() { 0.0 } else { 14.0 };
    let rows_top = band_top + levels as f64 * LEVEL_H + tag_row + 12.0;
    let rows_bottom = rows_top + trace.tracks.len() as f64 * (ROW_H + ROW_GAP);
    let axis_y = rows_bottom + 4.0;

    // Title.
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="15" font-weight="bold">{}: every thread over time</text>"#,
        esc(&trace.name)
    );
    let _ = writeln!(
        s,
        r##"<text x="10" y="38" font-size="11" fill="#444">cargo xtask timeline {} · one row per thread, sampled from /proc every {:.1} ms · printed lines marked where they arrived</text>"##,
        esc(&trace.name),
        trace.interval * 1000.0
    );

    // Rows: a label, a faint baseline, the state bars.
    for (i, t) in trace.tracks.iter().enumerate() {
        let y = rows_top + i as f64 * (ROW_H + ROW_GAP);
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text><rect x="{plot_x:.1}" y="{:.1}" width="{plot_w:.1}" height="{ROW_H}" fill="#f4f4f4"/>"##,
            plot_x - 8.0,
            y + ROW_H - 5.0,
            esc(&t.label),
            y
        );
        for span in t.spans() {
            let x0 = px(span.start);
            // At least 2 px: a thread that lived under a millisecond stays visible.
            let w = (px(span.end) - x0).max(2.0);
            let _ = writeln!(
                s,
                r#"<rect x="{x0:.2}" y="{y:.1}" width="{w:.2}" height="{ROW_H}" fill="{}"/>"#,
                fill(span.state)
            );
        }
    }

    // Printed lines: a marker through the rows for each, a label where
    // there is room, its marker running from the label down.
    for (i, x) in xs.iter().enumerate() {
        let top = placed
            .iter()
            .find(|p| p.line == i)
            .map_or(rows_top - tag_row - 6.0, |p| {
                band_top + p.level as f64 * LEVEL_H + 3.0
            });
        let _ = writeln!(
            s,
            r##"<line x1="{x:.2}" y1="{top:.1}" x2="{x:.2}" y2="{rows_bottom:.1}" stroke="#000000" stroke-width="0.8" stroke-dasharray="3,2" opacity="0.75"/>"##
        );
    }
    for tag in &tags {
        let (x, y) = (tag.0, rows_top - tag_row - 2.0);
        let (x, anchor) = if x + 40.0 < WIDTH {
            (x + 3.0, "start")
        } else {
            (x - 3.0, "end")
        };
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" font-weight="bold" text-anchor="{anchor}">{}</text>"##,
            tag_text(tag)
        );
    }
    for p in &placed {
        let y = band_top + p.level as f64 * LEVEL_H;
        let style = match trace.lines[p.line].stream {
            Stream::Stdout => "",
            Stream::Stderr => r#" font-style="italic""#,
        };
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{y:.1}" font-size="11" fill="#111"{style}>{}</text>"##,
            p.left,
            esc(&texts[p.line])
        );
    }

    // The time axis, in seconds.
    let _ = writeln!(
        s,
        r##"<line x1="{plot_x:.1}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="#333"/>"##,
        plot_x + plot_w
    );
    let ticks = (axis_end / step + 1e-9).floor() as usize;
    for k in 0..=ticks {
        let v = k as f64 * step;
        let x = px(v);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{axis_y:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            axis_y + 5.0,
            axis_y + 17.0,
            tick_label(v, step)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">time since the example started (seconds)</text>"#,
        plot_x + plot_w / 2.0,
        axis_y + 34.0
    );

    // The legend: every state, two columns.
    let legend_top = axis_y + 52.0;
    for (i, state) in State::ALL.into_iter().enumerate() {
        let x = 10.0 + (i % 2) as f64 * 470.0;
        let y = legend_top + (i / 2) as f64 * 20.0;
        let _ = writeln!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="26" height="13" fill="{}" stroke="#333" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"##,
            y - 11.0,
            fill(state),
            x + 33.0,
            y,
            esc(state.name())
        );
    }
    let notes_top = legend_top + 4.0 * 20.0 + 2.0;
    let notes = [
        "Running: the thread's CPU time grew by at least half the time since the previous sample. Otherwise the state is",
        "what the kernel reported at the sample: runnable (state R), or where it sleeps (wchan). Dashed lines: printed lines.",
    ];
    for (i, note) in notes.iter().enumerate() {
        let _ = writeln!(
            s,
            r##"<text x="10" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
            notes_top + i as f64 * 15.0,
            esc(note)
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="10" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
        notes_top + 30.0,
        esc(&format!(
            "The sampler itself (the xtask, not shown) used {:.0}% of one core.",
            sampler_share * 100.0
        ))
    );
    let mut height = notes_top + 42.0;
    for part in wrap(machine, 150).iter().filter(|p| !p.is_empty()) {
        let _ = writeln!(
            s,
            r##"<text x="10" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
            height + 3.0,
            esc(part)
        );
        height += 15.0;
    }
    if !unplaced.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="10" y="{:.1}" font-size="12" font-weight="bold">Printed lines marked by number above (seconds since the start):</text>"#,
            height + 6.0
        );
        height += 24.0;
        for (n, &i) in unplaced.iter().enumerate() {
            let line = &trace.lines[i];
            let style = match line.stream {
                Stream::Stdout => "",
                Stream::Stderr => r#" font-style="italic""#,
            };
            let _ = writeln!(
                s,
                r##"<text x="10" y="{height:.1}" font-size="11" font-weight="bold">{}</text><text x="40" y="{height:.1}" font-size="11">{:.2}</text>"##,
                n + 1,
                line.at,
            );
            for part in wrap(&texts[i], 140) {
                let _ = writeln!(
                    s,
                    r##"<text x="85" y="{height:.1}" font-size="11"{style}>{}</text>"##,
                    esc(&part)
                );
                height += 15.0;
            }
        }
        height += 6.0;
    }
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif">"#
    );
    svg.push_str(DEFS);
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    svg.push_str(&s);
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::super::model::{Line, Point, Track};
    use super::*;

    #[test]
    fn ticks_are_round_numbers_in_seconds() {
        assert_eq!(tick_step(6.05, 10), 1.0);
        assert_eq!(tick_step(2.05, 10), 0.5);
        assert_eq!(tick_step(0.003, 10), 0.0005);
        assert_eq!(tick_label(1.5, 0.5), "1.5");
        assert_eq!(tick_label(2.0, 1.0), "2");
        assert_eq!(tick_label(0.0015, 0.0005), "0.0015");
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap("abcdefgh", 5), ["abcdefgh"]);
    }

    #[test]
    fn labels_never_overlap_nor_cross_markers() {
        // Three lines at once, then four at once, as `multithreading` prints.
        let xs = [100.0, 100.5, 101.0, 900.0, 900.2, 900.4, 901.0];
        let widths = [150.0; 7];
        let placed = place_labels(&xs, &widths, 10.0, 995.0);
        assert_eq!(placed.len(), 7, "{placed:?}");
        for a in &placed {
            for b in &placed {
                if a.line != b.line && a.level == b.level {
                    assert!(a.right < b.left || b.right < a.left, "{a:?} {b:?}");
                }
                if b.level > a.level {
                    assert!(!(b.left..=b.right).contains(&a.x), "{a:?} crosses {b:?}");
                }
            }
            assert!(a.right <= 995.0 && a.left >= 10.0, "{a:?}");
        }
    }

    #[test]
    fn a_picture_has_rows_axis_legend_and_labels() {
        let trace = Trace {
            name: "ex".into(),
            root: 1,
            tracks: vec![Track {
                pid: 1,
                tid: 1,
                label: "main".into(),
                points: vec![Point {
                    sweep: 0,
                    from: 0.0,
                    at: 2.0,
                    state: State::Sleeping,
                }],
            }],
            lines: vec![Line {
                at: 2.0,
                stream: Stream::Stdout,
                text: "Total time: 2.00 seconds <ok>".into(),
            }],
            wall: 2.0,
            interval: 0.001,
        };
        let svg = render(&trace, 0.03, "");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        for needle in [
            ">main</text>",
            "Total time: 2.00 seconds &lt;ok&gt;",
            "(seconds)",
            "sleeping (timer)",
            "blocked (lock, join, channel or condvar)",
            "used 3% of one core",
        ] {
            assert!(svg.contains(needle), "{needle} missing");
        }
    }
}
