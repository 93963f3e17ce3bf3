//! Leftmost-longest search over an Aho-Corasick DFA, for the gazetteers.
//!
//! It yields exactly the matches of `AhoCorasick::find_iter` (leftmost-longest, non-overlapping,
//! each search resuming at the previous match's end), from a search loop of its own: on this
//! concrete DFA type the compiler specialises the per-byte step to a class lookup and a table
//! load, where the crate's generic loop costs more than twice the instructions per byte, and a
//! short search (one capitalised chunk) skips the crate's per-call set-up.

use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, BuildError, MatchKind};

/// A DFA for unanchored leftmost-longest search of non-empty patterns.
#[derive(Debug, Clone)]
pub(crate) struct Searcher {
    dfa: DFA,
    start: StateID,
    /// Per byte: whether it leaves the start state, i.e. can begin a match. The other bytes
    /// loop on the start state, so the search can skip them with a plain table scan...
    leaves_start: [bool; 256],
    /// ... which pays when the haystack is mostly bytes that begin no match (prose searched for
    /// capitalised names), not for words searched case-insensitively nor for short runs of
    /// capitalised words.
    skip_start: bool,
}

impl Searcher {
    /// Compiles `patterns`, none of which may be empty (an empty pattern would match at every
    /// position; the gazetteer files never produce one). `skip_start`: see the field.
    pub(crate) fn new<P: AsRef<[u8]>>(
        patterns: &[P],
        ascii_case_insensitive: bool,
        skip_start: bool,
    ) -> Result<Self, BuildError> {
        assert!(
            patterns.iter().all(|p| !p.as_ref().is_empty()),
            "gazetteer patterns are non-empty"
        );
        let dfa = DFA::builder()
            .ascii_case_insensitive(ascii_case_insensitive)
            .match_kind(MatchKind::LeftmostLongest)
            // this loop has no use for a prefilter (start states then need no special check)
            .prefilter(false)
            .build(patterns)?;
        let start = dfa
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start state");
        let mut leaves_start = [false; 256];
        for (byte, leaves) in (0..=u8::MAX).zip(&mut leaves_start) {
            *leaves = dfa.next_state(Anchored::No, start, byte) != start;
        }
        Ok(Self {
            dfa,
            start,
            leaves_start,
            skip_start,
        })
    }

    /// The non-overlapping leftmost-longest matches in `haystack`: (pattern id, byte range).
    pub(crate) fn find_iter<'a>(&'a self, haystack: &'a [u8]) -> Matches<'a> {
        Matches {
            searcher: self,
            haystack,
            at: 0,
        }
    }
}

/// Iterator of [`Searcher::find_iter`].
pub(crate) struct Matches<'a> {
    searcher: &'a Searcher,
    haystack: &'a [u8],
    at: usize,
}

impl Iterator for Matches<'_> {
    type Item = (usize, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.searcher.skip_start {
            self.search::<true>()
        } else {
            self.search::<false>()
        }
    }
}

impl Matches<'_> {
    /// The next match, skipping the bytes that loop on the start state if `SKIP_START`.
    #[inline(always)]
    fn search<const SKIP_START: bool>(&mut self) -> Option<(usize, Range<usize>)> {
        let dfa = &self.searcher.dfa;
        let mut sid = self.searcher.start;
        // The last match state seen: its pattern and end. Patterns are non-empty, so the start
        // state is not a match state.
        let mut found = None;
        let mut at = self.at;
        while at < self.haystack.len() {
            if SKIP_START && sid == self.searcher.start {
                match self.haystack[at..]
                    .iter()
                    .position(|&b| self.searcher.leaves_start[usize::from(b)])
                {
                    Some(skip) => at += skip,
                    None => break,
                }
            }
            sid = dfa.next_state(Anchored::No, sid, self.haystack[at]);
            at += 1;
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    // leftmost-longest: no longer match can follow the one found
                    break;
                }
                if dfa.is_match(sid) {
                    found = Some((dfa.match_pattern(sid, 0), at));
                }
            }
        }
        match found {
            Some((pid, end)) => {
                self.at = end;
                let start = end - dfa.pattern_len(pid);
                Some((pid.as_usize(), start..end))
            }
            None => {
                self.at = self.haystack.len();
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;

    #[test]
    fn same_matches_as_aho_corasick() {
        let patterns = [
            "oil",
            "oil and gas",
            "gas",
            "toil",
            "AI",
            "5G",
            "steel",
            "steelmaking",
            "a",
            "U.S.",
            "China",
            "Chinese",
            "Ch",
        ];
        let texts = [
            "",
            "Oil and toil, steelmaking and soil; oil and gasoline",
            "The U.S. and China: Chinese AI, 5G and steel. Chaos in Chile.",
            "aaaa oil and gas oil and ga",
            "Ünïcödé oil — gas\u{a0}steel",
        ];
        for case_insensitive in [false, true] {
            let reference = AhoCorasick::builder()
                .ascii_case_insensitive(case_insensitive)
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns)
                .unwrap();
            for skip_start in [false, true] {
                let searcher = Searcher::new(&patterns, case_insensitive, skip_start).unwrap();
                for text in texts {
                    let ours: Vec<_> = searcher.find_iter(text.as_bytes()).collect();
                    let theirs: Vec<_> = reference
                        .find_iter(text)
                        .map(|m| (m.pattern().as_usize(), m.range()))
                        .collect();
                    assert_eq!(ours, theirs, "{text:?} {case_insensitive} {skip_start}");
                }
            }
        }
    }
}
