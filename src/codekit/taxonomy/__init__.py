"""The curated taxonomy: its model, YAML loading and writing, the routing table.

``from codekit.taxonomy import load_taxonomy, write_category`` is the public entry point; see
docs/taxonomy.md for the YAML format. Nothing heavy is imported here.
"""

from codekit.taxonomy.model import (  # noqa: F401
    Choice, FieldFill, PublicCategory, Question, Referral, Route, Taxonomy,
)
from codekit.taxonomy.write import category_to_dict, dump_category, write_category, write_taxonomy  # noqa: F401


def load_taxonomy(directory, **kwargs):
    """See :func:`codekit.taxonomy.load.load_taxonomy`."""
    from codekit.taxonomy.load import load_taxonomy as _load

    return _load(directory, **kwargs)


__all__ = [
    "Choice", "FieldFill", "PublicCategory", "Question", "Referral", "Route", "Taxonomy",
    "category_to_dict", "dump_category", "write_category", "write_taxonomy", "load_taxonomy",
]
