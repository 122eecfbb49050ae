"""Fixtures of the mixmap.batch tests (defined in tests/batch_maps.py, shared with tests/cli)."""

from batch_maps import png_dir, reference, store  # noqa: F401
