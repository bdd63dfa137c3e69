//! The spec parser never panics, whatever it is given: every truncation of a real-format
//! document, thousands of random edits made of the format's own tokens, and random bytes. What
//! it accepts must also lint, drift and number its items without a panic. The inputs come from
//! a fixed seed, so a failure reproduces.

use dataflow_qa::spec::{self, builtin, drift, lint};

const FIXTURE: &[u8] = include_bytes!("fixtures/zendesk-powerofficego.rst");

/// xorshift64*: small, deterministic, good enough to spread edits around.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"* -",
    b"  - ",
    b"     - \"string\"",
    b".. list-table::",
    b":header-rows: 9",
    b":header-rows: x",
    b"(Dependant on having ",
    b" in ",
    b")",
    b"=====",
    b"------",
    b" to ",
    b"Generated:",
    b"A new X will be created from a Y if it is connected to a ",
    b", it  will be synchronized with a ",
    b"\0",
    b"\xff",
    b"\xe2\x82",
    b"\xef\xbb\xbf",
    b"\t",
];

fn exercise(input: &[u8]) {
    let outcome = std::panic::catch_unwind(|| {
        if let Ok(parsed) = spec::parse(input) {
            let _ = parsed.items();
            let _ = lint::lint(&parsed);
            let _ = drift::drift(&builtin::zendesk_powerofficego(), &parsed);
        }
    });
    if outcome.is_err() {
        panic!("the parser panicked on this input: {:?}", String::from_utf8_lossy(input));
    }
}

#[test]
fn every_truncation_of_a_document_is_read_or_refused_without_a_panic() {
    for end in 0..=FIXTURE.len() {
        exercise(&FIXTURE[..end]);
    }
}

#[test]
fn random_edits_made_of_the_formats_tokens_never_panic() {
    let mut rng = Rng(0x5eed_da7a_f10e_0001);
    for _ in 0..4000 {
        let mut input = FIXTURE.to_vec();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(input.len() + 1);
            match rng.below(3) {
                0 => {
                    let token = TOKENS[rng.below(TOKENS.len())];
                    input.splice(at..at, token.iter().copied());
                }
                1 => {
                    let end = (at + rng.below(40)).min(input.len());
                    input.drain(at..end);
                }
                _ => {
                    if let Some(byte) = input.get_mut(at) {
                        *byte = rng.next() as u8;
                    }
                }
            }
        }
        exercise(&input);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(300);
        let input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&input);
    }
}

#[test]
fn a_refused_document_says_which_line() {
    let error = spec::parse(&FIXTURE[..FIXTURE.len() / 2]).map(drop);
    // Half a document is still a document (tables cut between rows are fine); cut inside a row
    // instead and the row's line is named.
    assert!(error.is_ok());
    let text = std::str::from_utf8(FIXTURE).unwrap();
    let cut = text.find("     - partyId").unwrap();
    let error = spec::parse(&FIXTURE[..cut]).unwrap_err();
    let line = text[..cut].matches('\n').count();
    assert_eq!(error.line, line, "{error}");
    assert!(error.to_string().contains("a mapping row needs"), "{error}");
}
