"""Data files shipped with mixmap: element data, X-ray lines (see each file header for its sources)."""
