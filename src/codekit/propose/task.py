"""``codekit propose`` as one library call: the proposal, the draft taxonomy written, the dict ``--json`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from codekit.model import Catalogue


def propose_task(catalogue: Catalogue, log: Any = None, *, out: str | Path | None = None, force: bool = False,
                 constraints: str | Path | None = None, weights: Iterable[str] | None = None,
                 strategy: str = "agglomerative", n_categories: int | None = None, threshold: float | None = None,
                 max_size: int | None = None, against: str | None = None, linkage: str = "auto", seed: int = 311,
                 inputs: Iterable[str | Path | None] = (), progress: Callable[..., None] | None = None) -> dict[str, Any]:
    """Propose public categories for ``catalogue`` (and ``log``) and, with ``out``, write the draft ``taxonomy/``.

    ``weights``: ``NAME=VALUE`` texts (``--weight``); ``constraints``: a constraints YAML file. The output folder
    is checked (``io.files.check_new_folder``: never over an input, ``force`` replaces only codekit's files)
    before any work. Returns the proposal's ``to_dict()`` with ``written: {"folder", "n_files"}``.
    """
    from codekit.propose.constraints import load_constraints
    from codekit.propose.draft import write_draft
    from codekit.propose.proposal import propose
    from codekit.propose.signals import Weights

    step = progress or (lambda *a, **k: None)
    w = Weights.parse(list(weights) if weights else None)
    cons = load_constraints(constraints) if constraints else None
    ins = [*inputs, constraints]
    if out is not None:
        from codekit.io.files import check_new_folder

        check_new_folder(out, replace=force, inputs=ins)
    result = propose(catalogue, log, strategy=strategy, n_categories=n_categories, threshold=threshold,
                     max_size=max_size, constraints=cons, weights=w, against=against, seed=seed, progress=progress,
                     linkage=linkage)
    written: list = []
    if out is not None:
        step(1, description=f"writing {out}")
        written = write_draft(result, out, force=force, inputs=ins)
    data = result.to_dict()
    data["written"] = {"folder": str(out) if out is not None else None, "n_files": len(written)}
    return data


__all__ = ["propose_task"]
