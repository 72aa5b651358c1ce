"""Consolidation proposals: which service codes should become one public category, and why.

The flow: ``signals`` turns a catalogue (and, when given, an error log) into explainable similarity
signals combined into one distance; ``strategies`` clusters codes on it (scikit-learn estimator
contract); ``constraints`` carries what analysts insist on; ``metrics`` measures a proposal;
``labels`` suggests plain-language labels; ``draft`` writes the draft ``taxonomy/``.
``proposal.propose`` runs the whole flow and returns plain data.

Nothing heavy is imported here: the CLI imports this package lazily.
"""

from __future__ import annotations

__all__ = ["propose"]


def propose(*args, **kwargs):  # pragma: no cover - thin re-export, imported lazily
    from codekit.propose.proposal import propose as _propose

    return _propose(*args, **kwargs)
