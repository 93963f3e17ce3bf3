//! Service library (placeholder).
