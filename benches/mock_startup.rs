//! `cargo bench --bench mock_startup`: how long `dataflow-qa mock` takes from launch until both
//! fakes answer an HTTP request, over repeated starts of the built binary. Prints the median
//! and the slowest run. (Issue: it must start in under a second after build.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

/// The status code of a plain GET, sent by hand so nothing else is measured.
fn status_of(base: &str, path: &str) -> u16 {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("the fake accepts connections");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn one_start() -> Duration {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dataflow-qa"))
        .args(["mock", "--zendesk-port", "0", "--poweroffice-port", "0"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let (mut zendesk, mut poweroffice) = (String::new(), String::new());
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(url) = line.trim().strip_prefix("ZENDESK_URL=") {
            zendesk = url.to_owned();
        }
        if let Some(url) = line.trim().strip_prefix("POWEROFFICE_API_URL=") {
            poweroffice = url.trim_end_matches("/v2").to_owned();
        }
        if line.starts_with("Admin") {
            break;
        }
    }
    // Unauthenticated requests: both fakes are up once they refuse them as the real APIs do.
    assert_eq!(status_of(&zendesk, "/api/v2/users.json"), 401);
    assert_eq!(status_of(&poweroffice, "/v2/Customers"), 401);
    let elapsed = started.elapsed();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    elapsed
}

fn main() {
    let mut times: Vec<Duration> = (0..RUNS).map(|_| one_start()).collect();
    times.sort();
    println!(
        "mock startup to first answers: median {:.1} ms, slowest {:.1} ms over {RUNS} runs",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
}
