//! Places (countries, regions, provinces, demonyms) and their canonical names, used for
//! jurisdictions and to keep places out of organisations.
//! (Owner: numbers helper — placeholder.)

/// The canonical name of a place or demonym ("U.S." → "United States", "Chinese" → "China").
pub fn canonical(name: &str) -> Option<&'static str> {
    match name {
        "China" | "Chinese" => Some("China"),
        "US" | "U.S." | "United States" | "America" | "American" => Some("United States"),
        _ => None,
    }
}
