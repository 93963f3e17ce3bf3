//! Document normalisation (placeholder).
