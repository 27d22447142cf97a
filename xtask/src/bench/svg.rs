//! The bench's chart: horizontal bars on a log scale, one panel each for
//! memory per idle unit, start-up cost and hand-over cost, written as SVG
//! text by hand. A chart this plain (labelled bars, decade grid lines) is a
//! hundred lines; a plotting crate would add its dependencies to every build
//! of the xtask, which `cargo test` rebuilds, for no better picture.

use std::fmt::Write;

use super::Report;
use super::render::{biggest_default_thread, kib, micros};

const WIDTH: f64 = 820.0;
const LABEL_X: f64 = 10.0;
const PLOT_X: f64 = 300.0;
const PLOT_W: f64 = 400.0;
const BAR_H: f64 = 18.0;
const BAR_GAP: f64 = 7.0;

const THREAD: &str = "#4e79a7";
const TASK: &str = "#59a14f";
const PROCESS: &str = "#e15759";

struct Bar {
    label: String,
    value: f64,
    shown: String,
    color: &'static str,
}

struct Panel {
    title: &'static str,
    unit: &'static str,
    bars: Vec<Bar>,
}

fn bar(label: impl Into<String>, value: f64, shown: String, color: &'static str) -> Bar {
    Bar {
        label: label.into(),
        value,
        shown,
        color,
    }
}

fn panels(r: &Report) -> Vec<Panel> {
    let mut memory = Vec::new();
    if let Some(b) = r
        .thread_memory
        .iter()
        .filter(|t| t.stack_kib.is_some())
        .max_by_key(|t| t.n)
    {
        memory.push(bar(
            "thread, 8 MiB stack: reserved",
            b.reserved_kib,
            kib(b.reserved_kib),
            THREAD,
        ));
        memory.push(bar(
            "thread, 8 MiB stack: resident",
            b.resident_kib,
            kib(b.resident_kib),
            THREAD,
        ));
    }
    if let Some(t) = biggest_default_thread(r) {
        memory.push(bar(
            "thread, 2 MiB stack: reserved",
            t.reserved_kib,
            kib(t.reserved_kib),
            THREAD,
        ));
        memory.push(bar(
            "thread, 2 MiB stack: resident",
            t.resident_kib,
            kib(t.resident_kib),
            THREAD,
        ));
        memory.push(bar(
            "thread: kernel stack",
            t.kernel_stack_kib,
            kib(t.kernel_stack_kib),
            THREAD,
        ));
    }
    if let Some(t) = r.task_memory.iter().max_by_key(|t| t.n) {
        memory.push(bar(
            "tokio task: resident",
            t.resident_kib,
            kib(t.resident_kib),
            TASK,
        ));
    }
    if let Some(p) = r.process_memory.iter().max_by_key(|p| p.n) {
        memory.push(bar(
            "process: Rss (shared pages in full)",
            p.rss_kib,
            kib(p.rss_kib),
            PROCESS,
        ));
        memory.push(bar(
            "process: Pss (its share)",
            p.pss_kib,
            kib(p.pss_kib),
            PROCESS,
        ));
        memory.push(bar(
            "process: page tables",
            p.page_tables_kib,
            kib(p.page_tables_kib),
            PROCESS,
        ));
    }

    let mut startup = Vec::new();
    let us = |m: Option<super::Measured>, label: &str, color, v: &mut Vec<Bar>| {
        if let Some(m) = m {
            v.push(bar(label, m.value, micros(m.value), color));
        }
    };
    us(
        r.task_startup_us,
        "tokio task: spawn + await",
        TASK,
        &mut startup,
    );
    us(
        r.thread_startup_us,
        "thread: spawn + join",
        THREAD,
        &mut startup,
    );
    us(r.fork_us, "process: fork + wait", PROCESS, &mut startup);
    us(
        r.spawn_us,
        "process: spawn (fork + exec) + wait",
        PROCESS,
        &mut startup,
    );

    let mut switch = Vec::new();
    us(
        r.task_round_trip_us,
        "tokio tasks, one thread",
        TASK,
        &mut switch,
    );
    us(r.thread_round_trip_us, "threads", THREAD, &mut switch);

    vec![
        Panel {
            title: "Memory per idle unit",
            unit: "KiB",
            bars: memory,
        },
        Panel {
            title: "Start-up cost per unit",
            unit: "µs",
            bars: startup,
        },
        Panel {
            title: "Hand-over between two units: round trip",
            unit: "µs",
            bars: switch,
        },
    ]
}

/// Text escaped for SVG (also the timeline's labels).
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A tick label: 0.01, 0.1, 1, 10, 100, 1,000, ...
fn decade_label(exp: i32) -> String {
    if exp < 0 {
        format!("{:.*}", (-exp) as usize, 10f64.powi(exp))
    } else {
        super::limits::group(10u64.pow(exp as u32))
    }
}

pub fn chart(r: &Report) -> String {
    let panels: Vec<Panel> = panels(r)
        .into_iter()
        .map(|mut p| {
            // A log scale has no place for zero or less (a machine-wide
            // kernel figure blurred by other programs can be that).
            p.bars.retain(|b| b.value.is_finite() && b.value > 0.0);
            p
        })
        .filter(|p| !p.bars.is_empty())
        .collect();

    let mut body = String::new();
    let mut y = 40.0;
    for p in &panels {
        let lo = p.bars.iter().map(|b| b.value).fold(f64::INFINITY, f64::min);
        let hi = p.bars.iter().map(|b| b.value).fold(0.0, f64::max);
        let lo_exp = lo.log10().floor() as i32;
        let hi_exp = (hi.log10().ceil() as i32).max(lo_exp + 1);
        let x =
            |v: f64| PLOT_X + (v.log10() - f64::from(lo_exp)) / f64::from(hi_exp - lo_exp) * PLOT_W;

        let _ = writeln!(
            body,
            r#"<text x="{LABEL_X}" y="{y}" font-size="15" font-weight="bold">{} ({}, log scale)</text>"#,
            esc(p.title),
            p.unit
        );
        y += 14.0;
        let top = y;
        let bottom = top + p.bars.len() as f64 * (BAR_H + BAR_GAP);
        for exp in lo_exp..=hi_exp {
            let gx = x(10f64.powi(exp));
            let _ = writeln!(
                body,
                r##"<line x1="{gx:.1}" y1="{top}" x2="{gx:.1}" y2="{bottom}" stroke="#ccc"/><text x="{gx:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#555">{}</text>"##,
                bottom + 13.0,
                decade_label(exp)
            );
        }
        for b in &p.bars {
            let w = (x(b.value) - PLOT_X).max(1.0);
            let ty = y + BAR_H - 5.0;
            let _ = writeln!(
                body,
                r##"<text x="{LABEL_X}" y="{ty}" font-size="12">{}</text><rect x="{PLOT_X}" y="{y}" width="{w:.1}" height="{BAR_H}" fill="{}"/><text x="{:.1}" y="{ty}" font-size="12" fill="#222">{}</text>"##,
                esc(&b.label),
                b.color,
                PLOT_X + w + 5.0,
                esc(&b.shown)
            );
            y += BAR_H + BAR_GAP;
        }
        y = bottom + 45.0;
    }
    let height = y - 15.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r##"<text x="{LABEL_X}" y="18" font-size="12" fill="#555">{} · cargo xtask bench{} · {}</text>"##,
        esc(&r.date),
        if r.quick { " --quick" } else { "" },
        esc(&r.machine)
    );
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decade_labels() {
        assert_eq!(decade_label(-2), "0.01");
        assert_eq!(decade_label(0), "1");
        assert_eq!(decade_label(4), "10,000");
    }

    #[test]
    fn an_empty_report_is_still_an_svg() {
        let svg = chart(&Report::default());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
