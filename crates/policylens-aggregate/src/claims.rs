//! Claim rules: when stated values of one series point are the same claim, and when two claims
//! conflict.
//!
//! - claims group sources by qualifier (exact and unspecified alike) and value within
//!   [`EXACT_TOLERANCE`] (0.2 %: "a third" written 33.3 or 33.33 is one claim, a revision from
//!   7.08 to 7.05 billion is two);
//! - two claims conflict only when no true value satisfies both: an exact 13.4 agrees with
//!   "over 13", "over 13" agrees with "over 17", "under 10" conflicts with "over 13"; exact
//!   values agree within 0.2 % (also against a bound, for rounding), "about"/"nearly" values
//!   within 5 %.

use policylens_proto::v1::{Claim, Qualifier};

/// Relative difference within which two exactly stated values are the same claim.
pub const EXACT_TOLERANCE: f64 = 0.002;

/// Unspecified qualifiers count as exact.
pub fn normal_qualifier(q: i32) -> i32 {
    if q == Qualifier::Unspecified as i32 {
        Qualifier::Exact as i32
    } else {
        q
    }
}

/// Whether `a` and `b` are within `tolerance` (relative to the larger).
pub fn within(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * a.abs().max(b.abs())
}

enum Bound {
    Point { value: f64, tolerance: f64 },
    Lower { value: f64, strict: bool },
    Upper { value: f64, strict: bool },
}

fn bound(claim: &Claim) -> Bound {
    let value = claim.value;
    match Qualifier::try_from(claim.qualifier).unwrap_or(Qualifier::Exact) {
        Qualifier::Over => Bound::Lower {
            value,
            strict: true,
        },
        Qualifier::AtLeast => Bound::Lower {
            value,
            strict: false,
        },
        Qualifier::Under => Bound::Upper {
            value,
            strict: true,
        },
        Qualifier::AtMost => Bound::Upper {
            value,
            strict: false,
        },
        Qualifier::About | Qualifier::Nearly => Bound::Point {
            value,
            tolerance: 0.05,
        },
        Qualifier::Exact | Qualifier::Unspecified => Bound::Point {
            value,
            tolerance: EXACT_TOLERANCE,
        },
    }
}

/// Whether some true value satisfies both claims.
pub fn compatible(a: &Claim, b: &Claim) -> bool {
    use Bound::*;
    match (bound(a), bound(b)) {
        (
            Point {
                value: x,
                tolerance: tx,
            },
            Point {
                value: y,
                tolerance: ty,
            },
        ) => within(x, y, tx.max(ty)),
        (Point { value, tolerance }, Lower { value: low, strict })
        | (Lower { value: low, strict }, Point { value, tolerance }) => {
            let high_end = value + tolerance * value.abs();
            if strict {
                high_end > low
            } else {
                high_end >= low
            }
        }
        (
            Point { value, tolerance },
            Upper {
                value: high,
                strict,
            },
        )
        | (
            Upper {
                value: high,
                strict,
            },
            Point { value, tolerance },
        ) => {
            let low_end = value - tolerance * value.abs();
            if strict {
                low_end < high
            } else {
                low_end <= high
            }
        }
        (Lower { .. }, Lower { .. }) | (Upper { .. }, Upper { .. }) => true,
        (
            Lower {
                value: low,
                strict: s1,
            },
            Upper {
                value: high,
                strict: s2,
            },
        )
        | (
            Upper {
                value: high,
                strict: s2,
            },
            Lower {
                value: low,
                strict: s1,
            },
        ) => {
            if s1 || s2 {
                low < high
            } else {
                low <= high
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(value: f64, q: Qualifier) -> Claim {
        Claim {
            value,
            qualifier: q as i32,
            sources: vec![],
        }
    }

    #[test]
    fn compatibility_rules() {
        use Qualifier::*;
        assert!(compatible(&claim(13.4, Exact), &claim(13.0, Over)));
        assert!(!compatible(&claim(12.0, Exact), &claim(13.0, Over)));
        // an exact value is allowed its rounding ([`EXACT_TOLERANCE`]) against a bound
        assert!(compatible(&claim(13.0, Exact), &claim(13.0, Over)));
        assert!(!compatible(&claim(12.9, Exact), &claim(13.0, Over)));
        assert!(compatible(&claim(13.0, Exact), &claim(13.0, AtLeast)));
        assert!(compatible(&claim(13.0, Over), &claim(17.0, Over)));
        assert!(!compatible(&claim(13.0, Over), &claim(10.0, Under)));
        assert!(compatible(&claim(13.0, Over), &claim(20.0, Under)));
        assert!(!compatible(&claim(13.4, Exact), &claim(12.1, Exact)));
        assert!(compatible(&claim(13.0, About), &claim(13.4, Exact)));
        assert!(compatible(&claim(9.8, Exact), &claim(10.0, Under)));
    }

    #[test]
    fn exact_values_agree_only_within_rounding() {
        use Qualifier::*;
        // "a third" as 33.3 or 33.33 is one value
        assert!(compatible(&claim(33.3, Exact), &claim(33.33, Exact)));
        // a revised figure (7.08 billion, later 7.05 billion) is a disagreement
        assert!(!compatible(&claim(7.08e9, Exact), &claim(7.05e9, Exact)));
    }
}
