//! Registry docs generated from schemas (filled in with the docs issue).
