//! How the costs grow with the corpus (`cargo bench --bench scale`; Linux).
//!
//! For the shipped corpus, then synthetic corpora of 1k, 10k, 100k and 1M passages
//! (`guide-search gen-corpus`; other sizes with `SCALE_PASSAGES=1000,50000`):
//! - the real binary builds the index: time, text throughput, peak memory, size on disk;
//! - the library searches it with the 200 judged queries of `tests/relevance`, three
//!   times over, each search timed: p50, p99 and max, snippets and facets included, no
//!   response cache;
//! - the real binary serves it: time from start to ready, resident memory after the
//!   queries.
//!
//! Prints a table, and writes `target/scale/scale.json` and `target/scale/scale.svg`
//! (latency and index size against corpus size).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use plotters::prelude::*;
use serde::Serialize;

use guide_search::eval;
use guide_search::index;
use guide_search::language::Detector;
use guide_search::search::{Engine, SearchRequest};

/// The deployed binary's allocator, so that searches here cost what they cost there.
#[global_allocator]
static ALLOCATOR: guide_search::allocator::Allocator = guide_search::allocator::Allocator;

const BINARY: &str = env!("CARGO_BIN_EXE_guide-search");
const LAB: &str = env!("CARGO_BIN_EXE_guide-search-lab");
const DEFAULT_SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// Passages per document in the shipped corpus (364 / 72), to ask for documents.
const PASSAGES_PER_DOCUMENT: f64 = 364.0 / 72.0;
const PASSES: usize = 3;

#[derive(Debug, Serialize)]
struct Row {
    corpus: String,
    documents: usize,
    passages: usize,
    text_mb: f64,
    index_seconds: f64,
    index_mb_per_second: f64,
    index_peak_mb: f64,
    index_size_mb: f64,
    searches: usize,
    search_p50_ms: f64,
    search_p99_ms: f64,
    search_max_ms: f64,
    serve_ready_ms: f64,
    serve_resident_mb: f64,
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter for criterion, not us.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/scale");
    std::fs::create_dir_all(&out).expect("target/scale");
    let sizes = match std::env::var("SCALE_PASSAGES") {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("SCALE_PASSAGES: numbers"))
            .collect(),
        Err(_) => DEFAULT_SIZES.to_vec(),
    };
    let queries =
        eval::load_queries(&root.join("tests/relevance/queries.toml")).expect("the judged queries");
    let requests: Vec<SearchRequest> = queries
        .iter()
        .map(|q| SearchRequest {
            ui: q.lang,
            ..SearchRequest::new(&q.q)
        })
        .collect();
    let detector = Arc::new(Detector::new());

    let mut rows = Vec::new();
    println!("{}", header());
    let work = tempfile::tempdir_in(&out).expect("a work folder");
    rows.push(measure(
        "shipped",
        &root.join("corpus"),
        work.path(),
        &requests,
        &detector,
    ));
    println!("{}", line(rows.last().unwrap()));
    for passages in sizes {
        let corpus = work.path().join(format!("corpus-{passages}"));
        let documents = (passages as f64 / PASSAGES_PER_DOCUMENT).ceil() as usize;
        run(Command::new(LAB)
            .args(["gen-corpus", "--docs", &documents.to_string(), "--out"])
            .arg(&corpus)
            .arg("--from")
            .arg(root.join("corpus")));
        let name = format!("{}k", passages / 1000);
        rows.push(measure(&name, &corpus, work.path(), &requests, &detector));
        println!("{}", line(rows.last().unwrap()));
        std::fs::remove_dir_all(&corpus).expect("remove the synthetic corpus");
    }
    std::fs::write(
        out.join("scale.json"),
        serde_json::to_vec_pretty(&rows).expect("rows serialise"),
    )
    .expect("write scale.json");
    plot(&rows, &out.join("scale.svg"));
    println!(
        "\nWrote {} and {}",
        out.join("scale.json").display(),
        out.join("scale.svg").display()
    );
}

fn measure(
    name: &str,
    corpus: &Path,
    work: &Path,
    requests: &[SearchRequest],
    detector: &Arc<Detector>,
) -> Row {
    let index_dir = work.join(format!("index-{name}"));
    // SAFETY: no arguments, no failure: the generated corpus goes to disk now, rather
    // than being written back while the index builds and billed to it.
    unsafe { libc::sync() };
    let started = Instant::now();
    let child = Command::new(BINARY)
        .arg("index")
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(&index_dir)
        .stderr(Stdio::null())
        .spawn()
        .expect("guide-search index");
    let index_peak_mb = wait_for_peak_memory(child);
    let index_seconds = started.elapsed().as_secs_f64();

    let engine = Engine::new(
        index::open(&index_dir).expect("the index"),
        detector.clone(),
    );
    let manifest = engine.manifest();
    let (documents, passages) = (manifest.documents.len(), manifest.passages);
    let text_mb = manifest.text_bytes as f64 / 1e6;
    for request in requests {
        engine.search(request).expect("a search");
    }
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..PASSES {
        for request in requests {
            let started = Instant::now();
            engine.search(request).expect("a search");
            times.push(started.elapsed());
        }
    }
    times.sort();
    let percentile = |p: f64| {
        let at = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
        times[at].as_secs_f64() * 1000.0
    };
    drop(engine);

    let (serve_ready_ms, serve_resident_mb) = serve(corpus, &index_dir, requests);
    let index_size_mb = folder_bytes(&index_dir) as f64 / 1e6;
    std::fs::remove_dir_all(&index_dir).expect("remove the index");
    Row {
        corpus: name.into(),
        documents,
        passages,
        text_mb,
        index_seconds,
        index_mb_per_second: text_mb / index_seconds,
        index_peak_mb,
        index_size_mb,
        searches: times.len(),
        search_p50_ms: percentile(0.50),
        search_p99_ms: percentile(0.99),
        search_max_ms: percentile(1.0),
        serve_ready_ms,
        serve_resident_mb,
    }
}

/// Starts the server on the index, sends it every query once, and reads its memory.
fn serve(corpus: &Path, index_dir: &Path, requests: &[SearchRequest]) -> (f64, f64) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut server = Command::new(BINARY)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args(["--rate-limit", "0", "--cached-responses", "0"])
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index_dir)
        .stderr(Stdio::null())
        .spawn()
        .expect("guide-search serve");
    let agent = ureq::Agent::new_with_defaults();
    while agent.get(format!("{base}/readyz")).call().is_err() {
        assert!(
            server.try_wait().expect("the server").is_none(),
            "serve exited"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    for request in requests {
        agent
            .get(format!("{base}/api/search"))
            .query("q", &request.query)
            .query("ui", request.ui.code())
            .call()
            .expect("a search over HTTP");
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.id()))
        .expect("the server's /proc status");
    let resident_kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    server.kill().expect("stop the server");
    server.wait().expect("the server stops");
    (ready_ms, resident_kb / 1000.0)
}

/// Waits for `child` and returns its peak resident memory in MB (from `wait4`'s usage).
fn wait_for_peak_memory(child: Child) -> f64 {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid, and `wait4` writes it for our own child,
    // which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(
        pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "index failed"
    );
    usage.ru_maxrss as f64 / 1000.0
}

fn run(command: &mut Command) {
    let status = command.stderr(Stdio::null()).status().expect("run");
    assert!(status.success(), "{command:?} failed");
}

fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![dir.into()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the index").flatten() {
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

fn header() -> String {
    format!(
        "{:<8} {:>8} {:>9} {:>8} | {:>8} {:>7} {:>8} {:>8} | {:>7} {:>7} {:>7} | {:>8} {:>8}\n{}",
        "corpus",
        "docs",
        "passages",
        "text MB",
        "index s",
        "MB/s",
        "peak MB",
        "size MB",
        "p50 ms",
        "p99 ms",
        "max ms",
        "ready ms",
        "RSS MB",
        "-".repeat(120)
    )
}

fn line(row: &Row) -> String {
    format!(
        "{:<8} {:>8} {:>9} {:>8.1} | {:>8.2} {:>7.1} {:>8.0} {:>8.1} | {:>7.2} {:>7.2} {:>7.2} | {:>8.0} {:>8.0}",
        row.corpus,
        row.documents,
        row.passages,
        row.text_mb,
        row.index_seconds,
        row.index_mb_per_second,
        row.index_peak_mb,
        row.index_size_mb,
        row.search_p50_ms,
        row.search_p99_ms,
        row.search_max_ms,
        row.serve_ready_ms,
        row.serve_resident_mb
    )
}

/// `1k`, `10k`, `100k`, `1M` at those values; no label elsewhere.
fn powers_of_ten(x: f64) -> String {
    let exponent = x.log10().round();
    if (x / 10f64.powf(exponent) - 1.0).abs() > 0.01 {
        return String::new();
    }
    match exponent as i32 {
        e @ 0..=2 => format!("{}", 10i32.pow(e as u32)),
        e @ 3..=5 => format!("{}k", 10i32.pow(e as u32 - 3)),
        e => format!("{}M", 10f64.powi(e - 6)),
    }
}

/// A line of the plot: its label, colour and value.
type Series = (&'static str, RGBColor, fn(&Row) -> f64);

/// Two log-log panels against passages: search latency (p50, p99), and index size and
/// build time.
fn plot(rows: &[Row], path: &Path) {
    let root = SVGBackend::new(path, (1000, 420)).into_drawing_area();
    root.fill(&WHITE).expect("draw");
    let (left, right) = root.split_horizontally(500);
    let latency: [Series; 2] = [
        ("p50", BLUE, |r| r.search_p50_ms),
        ("p99", RED, |r| r.search_p99_ms),
    ];
    let index: [Series; 2] = [
        ("index size (MB)", GREEN, |r| r.index_size_mb),
        ("build time (s)", MAGENTA, |r| r.index_seconds),
    ];
    let panels = [
        (
            &left,
            "Search latency (in process, 200 queries × 3)",
            "milliseconds",
            latency,
        ),
        (
            &right,
            "Index size and build time",
            "MB on disk / seconds",
            index,
        ),
    ];
    for (area, caption, y_desc, series) in panels {
        panel(area, caption, y_desc, rows, &series);
    }
    root.present().expect("write the plot");
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    caption: &str,
    y_desc: &str,
    rows: &[Row],
    series: &[Series],
) {
    let passages = |r: &Row| r.passages as f64;
    let bounds = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::MAX, 0.0_f64), |(min, max), v| {
            (min.min(v), max.max(v))
        })
    };
    let (x_min, x_max) = bounds(&mut rows.iter().map(passages));
    let (y_min, y_max) = bounds(&mut rows.iter().flat_map(|r| series.iter().map(|s| (s.2)(r))));
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(
            (x_min / 1.5..x_max * 1.5).log_scale(),
            (y_min.max(1e-3) / 2.0..y_max * 2.0).log_scale(),
        )
        .expect("chart");
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc("passages")
        .y_desc(y_desc)
        .x_label_formatter(&|x| powers_of_ten(*x))
        .y_label_formatter(&|y| format!("{}", (y * 1000.0).round() / 1000.0))
        .draw()
        .expect("mesh");
    for &(label, color, value) in series {
        let points: Vec<(f64, f64)> = rows.iter().map(|r| (passages(r), value(r))).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .expect("line")
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color));
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )
            .expect("points");
    }
    chart
        .configure_series_labels()
        .background_style(WHITE)
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .expect("legend");
}
