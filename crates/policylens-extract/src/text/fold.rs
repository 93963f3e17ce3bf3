//! White space folding: runs of spaces, tabs and line breaks (ASCII and Unicode) as one space.

use std::borrow::Cow;

/// Collapses runs of white space (including hard line breaks) into single spaces.
pub fn fold_whitespace(s: &str) -> String {
    fold_whitespace_cow(s).into_owned()
}

/// [`fold_whitespace`], borrowing the trimmed text when there is nothing to fold.
pub fn fold_whitespace_cow(s: &str) -> Cow<'_, str> {
    let s = s.trim();
    let bytes = s.as_bytes();
    // fast path: nothing to fold (non-ASCII white space starts with 0xC2, 0xE1, 0xE2 or 0xE3)
    let plain = quick_plain(bytes)
        || !bytes.iter().enumerate().any(|(i, &b)| {
            FOLD_BYTE[usize::from(b)]
                && (b != b' ' || bytes.get(i + 1) == Some(&b' '))
                && (b != 0xc2 || matches!(bytes.get(i + 1), Some(0x85 | 0xa0)))
        });
    if plain {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut run = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let (len, space) = if b < 0x80 {
            (1, matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        } else {
            let ch = s[i..].chars().next().unwrap_or(' ');
            (ch.len_utf8(), ch.is_whitespace())
        };
        if space {
            if !pending_space {
                out.push_str(&s[run..i]);
                pending_space = true;
            }
        } else if pending_space {
            out.push(' ');
            pending_space = false;
            run = i;
        }
        i += len;
    }
    if !pending_space {
        out.push_str(&s[run..]);
    }
    Cow::Owned(out)
}

/// Whether `bytes` is ASCII without control bytes or double spaces, so that folding changes
/// nothing; checked eight bytes at a time. `false` only means "look closer".
fn quick_plain(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut prev_space = false;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        if v & HI != 0 {
            return false;
        }
        // high bit of each byte below 0x20 (no borrow crosses bytes: every byte is ASCII)
        let control = !((v | HI) - 0x20 * LO) & HI;
        // high bit of each space byte (exact zero-byte test of `v ^ spaces`)
        let x = v ^ (0x20 * LO);
        let space = !(((x & !HI) + !HI) | x) & HI;
        if control != 0 || space & (space >> 8) != 0 || (prev_space && space & 0x80 != 0) {
            return false;
        }
        prev_space = space >> 63 != 0;
    }
    for &b in chunks.remainder() {
        if !(0x20..0x80).contains(&b) || (b == b' ' && prev_space) {
            return false;
        }
        prev_space = b == b' ';
    }
    true
}

/// Bytes that may start white space to fold: ASCII white space and the lead bytes of the
/// non-ASCII white space (0xC2, 0xE1, 0xE2, 0xE3).
const FOLD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table[b'\t' as usize] = true;
    table[0x0b] = true;
    table[0x0c] = true;
    table[b' ' as usize] = true;
    table[0xc2] = true;
    table[0xe1] = true;
    table[0xe2] = true;
    table[0xe3] = true;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_plain_agrees_with_the_byte_scan() {
        let slow = |s: &str| {
            let b = s.as_bytes();
            !b.iter().enumerate().any(|(i, &c)| {
                FOLD_BYTE[usize::from(c)]
                    && (c != b' ' || b.get(i + 1) == Some(&b' '))
                    && (c != 0xc2 || matches!(b.get(i + 1), Some(0x85 | 0xa0)))
            })
        };
        for s in [
            "",
            "a",
            "plain words only",
            "eight ch  double",
            "1234567  split",
            "12345678 x",
            "1234567 \u{20}cross",
            "tab\there",
            "line\nbreak in a longer sentence",
            "caf\u{e9} au lait",
            "a\u{a0}b",
            "\u{7f}del",
        ] {
            assert!(!quick_plain(s.as_bytes()) || slow(s), "{s:?}");
        }
        assert!(quick_plain(b"Shares rose 3% on Monday, traders said."));
        assert!(!quick_plain(b"1234567  split"));
        assert!(!quick_plain(b"12345678  x"));
        assert!(!quick_plain(b"1234567 \x20cross"));
    }
}
