"""What analysts insist on: must-link and cannot-link pairs, a maximum category size, a target.

The constraints file is YAML analysts edit::

    # constraints.yaml
    must_link:                 # these codes belong in one public category
      - [T311-R0007, T311-R0012]
      - [CODE_A, CODE_B, CODE_C]     # a group of more than two is fine
    cannot_link:               # these codes must never share a category
      - [T311-R0002, T311-R0007]
    max_size: 12               # optional: no category larger than this
    categories: 40             # optional: target number of categories (or threshold: 0.7)

Errors name the file and the line of the offending entry.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from codekit.errors import SchemaError, UsageError

#: The distance threshold of agglomerative clustering when neither a threshold nor a target number of
#: categories is given: one constant for the strategy, ``codekit.propose`` and the CLI.
DEFAULT_THRESHOLD = 0.7


@dataclass(frozen=True)
class Constraints:
    must_link: tuple[tuple[str, ...], ...] = ()
    cannot_link: tuple[tuple[str, str], ...] = ()
    max_size: int | None = None
    n_categories: int | None = None
    threshold: float | None = None
    source: str = ""
    lines: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "must_link": [list(g) for g in self.must_link],
            "cannot_link": [list(p) for p in self.cannot_link],
            "max_size": self.max_size,
            "categories": self.n_categories,
            "threshold": self.threshold,
            "source": self.source,
        }

    def merged(self, *, n_categories=None, threshold=None, max_size=None) -> "Constraints":
        """Command-line options win over the file's values."""
        from dataclasses import replace

        return replace(
            self,
            n_categories=n_categories if n_categories is not None else self.n_categories,
            threshold=threshold if threshold is not None else self.threshold,
            max_size=max_size if max_size is not None else self.max_size,
        )

    def check(self, codes: Iterable[str]) -> None:
        """Raise when the constraints name unknown codes, contradict each other, or cannot be met."""
        known = set(codes)
        for kind, groups in (("must_link", self.must_link), ("cannot_link", self.cannot_link)):
            for g in groups:
                bad = [c for c in g if c not in known]
                if bad:
                    raise SchemaError(
                        f"{kind} names {'a code' if len(bad) == 1 else 'codes'} not in the catalogue: "
                        + ", ".join(repr(b) for b in bad),
                        path=self.source or None, line=self.lines.get((kind, tuple(g))),
                        hint="fix the code or remove the entry",
                    )
        # must-link components
        parent = {c: c for g in self.must_link for c in g}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for g in self.must_link:
            for c in g[1:]:
                ra, rb = find(g[0]), find(c)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        for a, b in self.cannot_link:
            if a == b:
                raise SchemaError(
                    f"cannot_link pairs {a!r} with itself", path=self.source or None,
                    line=self.lines.get(("cannot_link", (a, b))), hint="name two different codes",
                )
            if a in parent and b in parent and find(a) == find(b):
                raise SchemaError(
                    f"cannot_link [{a}, {b}] contradicts must_link: they are linked through must_link entries",
                    path=self.source or None, line=self.lines.get(("cannot_link", (a, b))),
                    hint="remove one of the two entries",
                )
        if self.max_size is not None:
            if self.max_size < 1:
                raise UsageError("max size must be at least 1", found=str(self.max_size))
            comps: dict[str, int] = {}
            for c in parent:
                r = find(c)
                comps[r] = comps.get(r, 0) + 1
            for r, size in sorted(comps.items()):
                if size > self.max_size:
                    raise SchemaError(
                        f"must_link puts {size} codes together (with {r!r}) but the maximum category size is "
                        f"{self.max_size}",
                        path=self.source or None, hint="raise --max-size or drop must_link entries",
                    )
        n = len(known)
        if self.n_categories is not None:
            if self.n_categories < 1:
                raise UsageError("the target number of categories must be at least 1", found=str(self.n_categories))
            if self.n_categories > n:
                raise UsageError(
                    f"the target of {self.n_categories} categories is larger than the number of codes ({n})",
                    hint=f"ask for at most {n} categories",
                )
        if self.threshold is not None and not (0.0 <= self.threshold <= 1.0):
            raise UsageError("the distance threshold must be between 0 and 1", found=str(self.threshold))
        if self.n_categories is not None and self.threshold is not None:
            raise UsageError("give a target number of categories or a distance threshold, not both")

    def indices(self, codes: list[str]) -> tuple[list[list[int]], list[tuple[int, int]]]:
        index = {c: i for i, c in enumerate(codes)}
        must = [[index[c] for c in g] for g in self.must_link]
        cannot = [(index[a], index[b]) for a, b in self.cannot_link]
        return must, cannot


def load_constraints(path: str | Path) -> Constraints:
    """Read a constraints YAML file (the one safe YAML loader: line numbers kept for error messages)."""
    from codekit.io.yamlio import load_yaml_file

    path = Path(path)
    data = load_yaml_file(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SchemaError("the constraints file must be a mapping", path=path,
                          expected="must_link:, cannot_link:, max_size:", found=type(data).__name__)
    allowed = {"must_link", "cannot_link", "max_size", "categories", "threshold"}
    unknown = sorted(set(map(str, data)) - allowed)
    if unknown:
        raise SchemaError("unknown key in the constraints file: " + ", ".join(unknown), path=path,
                          expected=", ".join(sorted(allowed)), found=", ".join(unknown))
    lines: dict[tuple[str, tuple[str, ...]], int] = {}

    def groups(key: str, pairs_only: bool) -> tuple:
        raw = data.get(key) or []
        if not isinstance(raw, list):
            raise SchemaError(f"{key} must be a list of code lists", path=path, found=type(raw).__name__)
        out = []
        for i, g in enumerate(raw):
            line = raw.line_of(i) if hasattr(raw, "line_of") else None
            if not isinstance(g, list) or len(g) < 2 or (pairs_only and len(g) != 2):
                raise SchemaError(
                    f"{key} entry {i + 1} must be a list of {'two' if pairs_only else 'two or more'} codes",
                    path=path, line=line, found=repr(g),
                )
            t = tuple(str(c).strip() for c in g)
            lines[(key, t)] = line
            out.append(t)
        return tuple(out)

    def opt_num(key, conv):
        v = data.get(key)
        if v is None:
            return None
        line = data.line_of(key) if hasattr(data, "line_of") else None
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        if conv is int:
            if not ok or not float(v).is_integer() or v < 1:
                raise SchemaError(f"{key} must be a whole number of 1 or more", path=path, line=line,
                                  found=repr(v), hint=f"write {key}: 12, for example")
            return int(v)
        if not ok or not 0 <= v <= 1:
            raise SchemaError(f"{key} must be a number from 0 to 1", path=path, line=line, found=repr(v),
                              hint=f"write {key}: 0.7, for example")
        return float(v)

    return Constraints(
        must_link=groups("must_link", False),
        cannot_link=groups("cannot_link", True),
        max_size=opt_num("max_size", int),
        n_categories=opt_num("categories", int),
        threshold=opt_num("threshold", float),
        source=str(path),
        lines=lines,
    )
