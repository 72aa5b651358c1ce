"""Readers and writers of outside formats. See docs/formats.md."""
