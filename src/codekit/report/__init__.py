"""The consolidation report (HTML + Markdown), intake-simplification metrics, the intake preview.

Nothing heavy is imported here: the CLI imports these modules lazily.
"""
