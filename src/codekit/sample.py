"""The sample city: a realistic, seeded 311 catalogue and intake error log.

``sample_catalogue(seed)`` builds 650+ service codes from problem *families* x *variants* (see
``codekit._sample_vocab``); every code carries ``extra["family"]`` (the ground-truth grouping, the resident's
problem) and ``extra["variant"]`` (what tells codes of one family apart), plus the variant's dimensions
(``stream``, ``property``, ``location``, ``asset``...) when it has them. Quirks are on purpose: near-duplicate
codes (``extra["near_duplicate_of"]``), renamed codes living side by side with their successors
(``extra["replaced_by"]`` / ``extra["replaces"]``), ``||`` and ``:`` hierarchies, jargon, one family owned by
several divisions depending on the asset.

``generate_sample(seed, n_events)`` adds an error log in the canonical schema (``model.ERROR_LOG_COLUMNS``),
generated with numpy in day-ordered chunks of about a million events (no Python loop per event), so 10M events
take seconds and memory per chunk stays bounded. ``write_sample`` writes ``catalogue.yaml`` and ``errors.parquet``
(or ``errors.csv``) chunk by chunk, atomically.

Same seed, same output (byte-identical files); a different seed changes volumes, SLAs, some field wordings and
every event.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from codekit.errors import UsageError
from codekit.model import (
    CHANNELS,
    CONFUSION_KINDS,
    ERROR_KINDS,
    AllowedValue,
    Catalogue,
    OperationalField,
    ServiceCode,
)

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import polars as pl

DEFAULT_SEED = 311
DEFAULT_EVENTS = 1_000_000
#: Events per generated chunk (also the Parquet row-group size). Fixed: output does not depend on it changing.
CHUNK_EVENTS = 1_000_000
#: The year the sample log covers.
YEAR = 2025
LOG_FORMATS = ("parquet", "csv")
#: About how many requests a year the sample city receives (before per-code noise).
TOTAL_VOLUME = 4_000_000

#: Milestones per Closing-the-Loop level, in each division's words (falls back to model.DEFAULT_MILESTONES).
_MILESTONES = {
    1: ("Received", "Closed"),
    2: ("Received", "Assigned to Crew", "In Progress", "Completed"),
    3: ("Received", "Assessed", "Scheduled", "Work in Progress", "Inspected", "Completed"),
}
_MILESTONES_MLS3 = ("Received", "Assigned to Officer", "Inspection Scheduled", "Inspected", "Notice/Order Issued",
                    "Closed")
_MILESTONES_TW3 = ("Received", "Crew Dispatched", "Isolated", "Repair Scheduled", "Restoration", "Completed")


# --------------------------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Everything about the catalogue the event generator needs, as plain lists."""

    codes: tuple[ServiceCode, ...]
    family: tuple[str, ...]
    variant: tuple[str, ...]
    jargon: tuple[float, ...]
    season: tuple[str, ...]
    not_city_prone: tuple[bool, ...]
    confused_with: tuple[tuple[str, ...], ...]


def sample_catalogue(seed: int = DEFAULT_SEED) -> Catalogue:
    """The sample city's catalogue (650+ codes, seven divisions). Fast; cached per seed."""
    plan = _plan(check_seed(seed))
    return Catalogue(list(plan.codes), source=f"codekit sample city (seed {seed})", format="sample")


_ABBR = re.compile(r"\b[A-Z]{2,}[A-Z0-9-]*\b")


def _name_jargon(name: str) -> float:
    """How opaque a name reads: abbreviations, ``||`` and ``:`` hierarchies, slashes, legacy markers."""
    score = 0.0
    abbrs = [a for a in _ABBR.findall(name) if a not in ("TTC", "OK")]
    score += min(0.45, 0.15 * len(abbrs))
    if "||" in name:
        score += 0.2
    if ":" in name:
        score += 0.1
    if name.count("/") >= 2:
        score += 0.1
    if re.search(r"\((old|legacy|retired|pre-|discontinued)", name, re.I) or "OLD" in name:
        score += 0.2
    return min(1.0, score)


def check_seed(seed: Any) -> int:
    """The seed as an int; a UsageError unless it is a whole number of zero or more (numpy's rule)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, float)) or (isinstance(seed, float) and not seed.is_integer()):
        raise UsageError("the seed must be a whole number of zero or more", found=repr(seed), hint="pass --seed 0 or more")
    if seed < 0:
        raise UsageError("the seed must be a whole number of zero or more", found=str(int(seed)),
                         hint="pass --seed 0 or more")
    return int(seed)


@functools.lru_cache(maxsize=8)
def _plan(seed: int) -> _Plan:
    import numpy as np

    from codekit import _sample_vocab as voc

    rng = np.random.default_rng([seed, 1])
    # -- pass 1: one record per code, numbered per division in vocabulary order
    counters: dict[str, int] = {}
    recs: list[dict[str, Any]] = []
    for fam in voc.FAMILIES:
        pop_total = sum(v.pop for v in fam.variants) or 1.0
        for v in fam.variants:
            div = v.division or fam.division
            sec = v.section or (fam.section if div == fam.division else voc.SECTIONS[div][0])
            prefix = voc.DIVISION_PREFIX[div]
            counters[prefix] = counters.get(prefix, 100) + 1
            recs.append({
                "code": f"{prefix}-{counters[prefix]:04d}", "fam": fam, "v": v, "division": div, "section": sec,
                "weight": fam.pop * v.pop / pop_total,
            })
    n = len(recs)

    # -- volumes: Zipf-like by rank of a structured, seeded weight
    w = np.array([r["weight"] for r in recs]) * rng.lognormal(0.0, 0.6, n)
    order = np.argsort(-w, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    zipf = 1.0 / rank.astype(float) ** 0.95
    zipf = zipf * (TOTAL_VOLUME / zipf.sum()) * rng.lognormal(0.0, 0.15, n)
    volumes = np.maximum(0, np.round(zipf)).astype(np.int64)
    tail = rng.random(n)
    for i, r in enumerate(recs):
        v = r["v"]
        if v.status == "retired":
            # most retired codes get nothing; some still get a trickle from old bookmarks and CSR habit
            volumes[i] = 0 if tail[i] < 0.6 else int(1 + tail[i] * 40)
        elif rank[i] > n * 0.8 and tail[i] < 0.12:
            volumes[i] = 0  # active, but nobody uses it
        elif r["fam"].key.startswith("legacy"):
            volumes[i] = int(tail[i] * 120)

    # -- successors and near-duplicates, by (family, variant)
    first_active: dict[tuple[str, str], str] = {}
    for r in recs:
        key = (r["fam"].key, r["v"].variant)
        if r["v"].status == "active" and not r["v"].near_dup and key not in first_active:
            first_active[key] = r["code"]
    replaces: dict[str, list[str]] = {}
    for r in recs:
        key = (r["fam"].key, r["v"].variant)
        r["extra"] = {"family": r["fam"].key, "variant": r["v"].variant, **dict(r["v"].dims)}
        target = first_active.get(key)
        if r["v"].renamed_to and target:
            r["extra"]["replaced_by"] = target
            replaces.setdefault(target, []).append(r["code"])
        elif r["v"].near_dup and target:
            r["extra"]["near_duplicate_of"] = target
    sla_jitter = rng.choice([0.5, 1.0, 1.0, 1.0, 1.5, 2.0], size=n)
    twist = rng.random(n)

    codes: list[ServiceCode] = []
    jargon: list[float] = []
    for i, r in enumerate(recs):
        fam, v, div = r["fam"], r["v"], r["division"]
        extra = r["extra"]
        if r["code"] in replaces:
            extra["replaces"] = ", ".join(replaces[r["code"]])
        style = voc.DIVISION_STYLE.get(div, 0)
        fields = []
        for order, qid in enumerate(fam.fields + v.fields, start=1):
            q = voc.Q[qid]
            # each division phrases a question its own way; some forms were built by someone else
            k = (style + (1 if twist[i] < 0.12 else 0)) % len(q.wordings)
            wd = q.wordings[k]
            values = wd.values if wd.values is not None else q.values
            fields.append(OperationalField(
                key=wd.key, prompt=wd.prompt, datatype=q.datatype, required=q.required, order=order,
                values=tuple(AllowedValue(a, b) for a, b in values),
            ))
        ctl = fam.ctl
        if ctl == 3 and div == voc.MLS:
            milestones = _MILESTONES_MLS3
        elif ctl == 3 and div == voc.TW:
            milestones = _MILESTONES_TW3
        else:
            milestones = _MILESTONES[ctl]
        sla = fam.sla * float(sla_jitter[i])
        if "emergency" in v.variant or "Emergency" in v.name:
            sla = 1.0
        sla = float(max(1, round(sla)))
        kw = list(fam.keywords) + [d for _, d in v.dims if d not in fam.keywords]
        detail = v.variant.replace("/", ", ").replace("-", " ")
        desc = f"{fam.label}: {detail}. Handled by {r['section']} ({div})."
        if v.status == "retired":
            desc += " Retired code; use its replacement." if "replaced_by" in extra else " Retired code."
        codes.append(ServiceCode(
            code=r["code"], name=v.name, division=div, section=r["section"], description=desc,
            keywords=tuple(dict.fromkeys(kw)), volume=int(volumes[i]), sla_days=sla, ctl_level=ctl,
            milestones=milestones, status=v.status, fields=tuple(fields),
            extra=tuple(sorted((k, str(x)) for k, x in extra.items())),
        ))
        jargon.append(min(1.0, 0.6 * fam.jargon + 0.6 * _name_jargon(v.name)))

    not_city_families = {"graffiti", "streetlight", "tree-maintenance", "water-leak", "sewer-backup", "postering",
                         "sign", "parking", "tree-roots", "wildlife"}
    return _Plan(
        codes=tuple(codes),
        family=tuple(r["fam"].key for r in recs),
        variant=tuple(r["v"].variant for r in recs),
        jargon=tuple(jargon),
        season=tuple(r["v"].season or r["fam"].season for r in recs),
        not_city_prone=tuple(r["fam"].key in not_city_families for r in recs),
        confused_with=tuple(r["fam"].confused_with for r in recs),
    )


# --------------------------------------------------------------------------------------------------------------
# The error log
# --------------------------------------------------------------------------------------------------------------


@dataclass
class SampleCity:
    """A sample catalogue and its error log (a polars DataFrame in the canonical columns)."""

    catalogue: Catalogue
    events: "pl.DataFrame"
    seed: int = DEFAULT_SEED


_SEASONS = ("any", "winter", "summer", "fall")
_K = 16  # confusion candidates kept per code


@dataclass
class _Model:
    """Numeric tables the generator samples from (built once per seed)."""

    code_ids: list[str]
    weight: "np.ndarray"  # (n_codes, n_kinds) relative event rates
    season_idx: "np.ndarray"  # (n_codes,) index into _SEASONS
    season_day: "np.ndarray"  # (n_seasons, n_days) multiplier
    day_weight: "np.ndarray"  # (n_days,) weekday x holiday shape
    hour_cdf: "np.ndarray"  # (24,)
    channel_cdf: "np.ndarray"  # (n_kinds, n_channels)
    recode_t: "np.ndarray"  # (n_codes, K) candidate targets
    recode_c: "np.ndarray"  # (n_codes, K) cumulative probabilities
    transfer_t: "np.ndarray"
    transfer_c: "np.ndarray"
    active_idx: "np.ndarray"
    n_days: int
    start_s: int  # epoch seconds of the first day


def _cdf_rows(rows: list[list[tuple[int, float]]], n: int, fallback: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    import numpy as np

    t = np.zeros((n, _K), dtype=np.int32)
    c = np.ones((n, _K), dtype=np.float32)
    for i, cand in enumerate(rows):
        merged: dict[int, float] = {}
        for j, p in cand:
            if j != i and p > 0:
                merged[j] = merged.get(j, 0.0) + p
        top = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:_K]
        if not top:
            top = [(int(fallback[i % len(fallback)]), 1.0)]
        tot = sum(p for _, p in top)
        cum = 0.0
        for k, (j, p) in enumerate(top):
            cum += p / tot
            t[i, k] = j
            c[i, k] = cum
        t[i, len(top):] = top[-1][0]
        c[i, len(top) - 1:] = 1.0
    return t, c


@functools.lru_cache(maxsize=4)
def _model(seed: int) -> _Model:
    import numpy as np

    plan = _plan(seed)
    codes = plan.codes
    n = len(codes)
    kinds = ERROR_KINDS
    from codekit import _sample_vocab as voc

    vol = np.array([c.volume or 0 for c in codes], dtype=float)
    active = np.array([c.active for c in codes])
    jargon = np.array(plan.jargon)
    base = vol + np.where(active, 3.0, 0.0)  # zero-volume active codes still see the odd abandoned form
    weight = np.zeros((n, len(kinds)))
    for k, kind in enumerate(kinds):
        rate = voc.KIND_BASE[kind] * (1.0 + voc.JARGON_GAIN[kind] * jargon)
        if kind == "not_city_asset":
            rate = rate * np.where(np.array(plan.not_city_prone), 5.0, 0.4)
        weight[:, k] = base * rate
    # retired codes: only used by mistake, so their events are mostly re-codes
    retired = ~active
    weight[retired, :] *= 0.3
    weight[retired, kinds.index("recoded")] = base[retired] * 1.5 + 2.0

    # confusion candidates, by structure
    fam = plan.family
    by_fam: dict[str, list[int]] = {}
    for i, f in enumerate(fam):
        if codes[i].active:
            by_fam.setdefault(f, []).append(i)
    active_idx = np.flatnonzero(active).astype(np.int32)
    pull = np.sqrt(vol + 1.0)  # where errors go: towards busier codes, dampened
    recode_rows: list[list[tuple[int, float]]] = []
    transfer_rows: list[list[tuple[int, float]]] = []
    for i, c in enumerate(codes):
        same = [j for j in by_fam.get(fam[i], []) if j != i]
        same_var = [j for j in same if plan.variant[j] == plan.variant[i]]
        other_var = [j for j in same if plan.variant[j] != plan.variant[i]]
        cross = [j for f in plan.confused_with[i] for j in by_fam.get(f, [])]
        rec: list[tuple[int, float]] = []
        succ = dict(c.extra).get("replaced_by") or dict(c.extra).get("near_duplicate_of")
        if succ:
            j = next(k for k, cc in enumerate(codes) if cc.code == succ)
            rec.append((j, 0.55 if not c.active else 0.3))
        for group, share in ((same_var, 0.25), (other_var, 0.5), (cross, 0.12)):
            tot = sum(pull[j] for j in group)
            for j in group:
                rec.append((j, share * pull[j] / tot))
        recode_rows.append(rec)
        other_div = [j for j in same if codes[j].division != c.division]
        tr: list[tuple[int, float]] = []
        if other_div:
            tot = sum(pull[j] for j in other_div)
            tr += [(j, 0.8 * pull[j] / tot) for j in other_div]
            tr += [(j, 0.1 * pull[j] / sum(pull[k] for k in same)) for j in same]
        else:
            tot = sum(pull[j] for j in same) or 1.0
            tr += [(j, 0.5 * pull[j] / tot) for j in same]
        xdiv = [j for j in cross if codes[j].division != c.division] or cross
        tot = sum(pull[j] for j in xdiv) or 1.0
        tr += [(j, 0.3 * pull[j] / tot) for j in xdiv]
        transfer_rows.append(tr)
    fallback = active_idx[np.argsort(-vol[active_idx], kind="stable")][:50]
    recode_t, recode_c = _cdf_rows(recode_rows, n, fallback)
    transfer_t, transfer_c = _cdf_rows(transfer_rows, n, fallback)

    # time: a year of days with weekday and seasonal shapes, 24 hours of intake
    import datetime as dt

    start = dt.datetime(YEAR, 1, 1, tzinfo=dt.timezone.utc)
    n_days = (dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.timezone.utc) - start).days
    day = np.arange(n_days)
    weekday = (day + start.weekday()) % 7
    day_weight = np.where(weekday >= 5, 0.55, 1.0) * np.where(weekday == 0, 1.15, 1.0)
    angle = 2 * math.pi * (day - 15) / n_days  # 0 in mid-January
    season_day = np.stack([
        np.ones(n_days),
        np.clip(0.15 + 1.7 * np.cos(angle), 0.05, None),  # winter
        np.clip(0.15 - 1.7 * np.cos(angle), 0.05, None),  # summer
        np.clip(0.2 + 1.6 * np.cos(angle - 1.6 * math.pi), 0.05, None),  # fall (peak early November)
    ])
    hours = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.4, 2.4, 3.0, 3.1, 3.0,
                      2.7, 2.9, 2.9, 2.7, 2.4, 2.0, 1.6, 1.3, 1.1, 0.9, 0.7, 0.5])
    hour_cdf = np.cumsum(hours / hours.sum())
    hour_cdf[-1] = 1.0
    ch = np.array([voc.CHANNEL_MIX[k] for k in kinds], dtype=float)
    channel_cdf = np.cumsum(ch / ch.sum(axis=1, keepdims=True), axis=1)
    channel_cdf[:, -1] = 1.0
    return _Model(
        code_ids=[c.code for c in codes], weight=weight,
        season_idx=np.array([_SEASONS.index(s) for s in plan.season]), season_day=season_day,
        day_weight=day_weight, hour_cdf=hour_cdf, channel_cdf=channel_cdf,
        recode_t=recode_t, recode_c=recode_c, transfer_t=transfer_t, transfer_c=transfer_c,
        active_idx=active_idx, n_days=n_days, start_s=int(start.timestamp()),
    )


def _pick(cdf: "np.ndarray", u: "np.ndarray") -> "np.ndarray":
    """Row-wise inverse CDF: for each event, the first column whose cumulative probability exceeds u."""
    import numpy as np

    return np.minimum((u[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1)


def iter_event_chunks(seed: int = DEFAULT_SEED, n_events: int = DEFAULT_EVENTS) -> Iterator["pl.DataFrame"]:
    """Yield the sample error log as DataFrames of about ``CHUNK_EVENTS`` rows, in time order."""
    import numpy as np
    import polars as pl

    n_events = int(n_events)
    if n_events < 0:
        raise UsageError("the number of events cannot be negative", found=str(n_events))
    if n_events == 0:
        yield _empty_events()
        return
    m = _model(check_seed(seed))
    n_codes, n_kinds = m.weight.shape
    # expected events per day, per season group, then a multinomial split of n over days
    group_w = np.stack([m.weight[m.season_idx == s].sum() for s in range(len(_SEASONS))])  # (S,)
    per_day_group = group_w[:, None] * m.season_day * m.day_weight[None, :]  # (S, D)
    per_day = per_day_group.sum(axis=0)
    rng = np.random.default_rng([int(seed), 2])
    day_counts = rng.multinomial(n_events, per_day / per_day.sum())
    # within a season group: which (code, kind)
    group_cdf = []
    group_cells = []
    for s in range(len(_SEASONS)):
        cells = np.flatnonzero(np.repeat(m.season_idx == s, n_kinds))  # flat (code*K + kind) indices
        w = m.weight.reshape(-1)[cells]
        group_cells.append(cells)
        group_cdf.append(np.cumsum(w) / w.sum() if w.sum() > 0 else None)

    codes_s = pl.Series("code", m.code_ids, dtype=pl.String).append(pl.Series([None], dtype=pl.String))
    channels_s = pl.Series("channel", list(CHANNELS), dtype=pl.String)
    kinds_s = pl.Series("kind", list(ERROR_KINDS), dtype=pl.String)
    k_recoded = ERROR_KINDS.index(CONFUSION_KINDS[0])
    k_transferred = ERROR_KINDS.index(CONFUSION_KINDS[1])

    # day ranges of about CHUNK_EVENTS events each
    bounds = [0]
    acc = 0
    for d, c in enumerate(day_counts):
        acc += int(c)
        if acc >= CHUNK_EVENTS and d + 1 < len(day_counts):
            bounds.append(d + 1)
            acc = 0
    bounds.append(len(day_counts))
    offset = 0
    for ci in range(len(bounds) - 1):
        d0, d1 = bounds[ci], bounds[ci + 1]
        counts = day_counts[d0:d1]
        size = int(counts.sum())
        if size == 0:
            continue
        crng = np.random.default_rng([int(seed), 3, ci])
        day = np.repeat(np.arange(d0, d1, dtype=np.int64), counts)
        pg = per_day_group[:, day]  # (S, size)
        group = _pick(np.cumsum(pg / pg.sum(axis=0), axis=0).T, crng.random(size))
        cell = np.empty(size, dtype=np.int64)
        for s in range(len(_SEASONS)):
            mask = group == s
            k = int(mask.sum())
            if k and group_cdf[s] is not None:
                cell[mask] = group_cells[s][np.minimum(np.searchsorted(group_cdf[s], crng.random(k), side="right"),
                                                       len(group_cells[s]) - 1)]
        code = (cell // n_kinds).astype(np.int32)
        kind = (cell % n_kinds).astype(np.int8)
        channel = _pick(m.channel_cdf[kind], crng.random(size)).astype(np.int8)
        correct = np.full(size, n_codes, dtype=np.int32)  # n_codes -> null
        for kk, tt, cc in ((k_recoded, m.recode_t, m.recode_c), (k_transferred, m.transfer_t, m.transfer_c)):
            idx = np.flatnonzero(kind == kk)
            if idx.size:
                col = _pick(cc[code[idx]], crng.random(idx.size).astype(np.float32))
                tgt = tt[code[idx], col]
                noise = crng.random(idx.size) < 0.02  # rare random noise: any active code
                tgt[noise] = m.active_idx[crng.integers(0, m.active_idx.size, int(noise.sum()))]
                tgt = np.where(tgt == code[idx], m.recode_t[code[idx], 0], tgt)
                correct[idx] = tgt
        hour = np.searchsorted(m.hour_cdf, crng.random(size), side="right").clip(0, 23)
        secs = m.start_s + day * 86400 + hour * 3600 + crng.integers(0, 3600, size)
        order = np.argsort(secs, kind="stable")
        df = pl.DataFrame({
            "event_id": np.arange(offset + 1, offset + size + 1, dtype=np.int64),
            "timestamp": pl.Series(secs[order] * 1_000_000, dtype=pl.Int64).cast(pl.Datetime("us")),
            "channel": channels_s.gather(channel[order]),
            "kind": kinds_s.gather(kind[order]),
            "submitted_code": codes_s.gather(code[order]),
            "correct_code": codes_s.gather(correct[order]),
        })
        offset += size
        yield df


def _empty_events() -> "pl.DataFrame":
    import polars as pl

    return pl.DataFrame(schema={
        "event_id": pl.Int64, "timestamp": pl.Datetime("us"), "channel": pl.String, "kind": pl.String,
        "submitted_code": pl.String, "correct_code": pl.String,
    })


def generate_sample(seed: int = DEFAULT_SEED, n_events: int = DEFAULT_EVENTS) -> SampleCity:
    """The sample catalogue and an error log of ``n_events`` events (in memory; see ``write_sample`` for files)."""
    import polars as pl

    chunks = list(iter_event_chunks(seed, n_events))
    events = chunks[0] if len(chunks) == 1 else pl.concat(chunks, rechunk=False)
    return SampleCity(catalogue=sample_catalogue(seed), events=events, seed=int(seed))


# --------------------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------------------


def write_event_log(path: str | Path, *, seed: int = DEFAULT_SEED, n_events: int = DEFAULT_EVENTS,
                    log_format: str | None = None) -> Path:
    """Write the sample error log to ``path`` (Parquet or CSV), chunk by chunk, atomically."""
    from codekit.io.files import atomic_path

    p = Path(path)
    fmt = _log_format(log_format or ("csv" if p.suffix.lower() == ".csv" else "parquet"))
    with atomic_path(p) as tmp:
        if fmt == "csv":
            with open(tmp, "wb") as fh:
                for i, chunk in enumerate(iter_event_chunks(seed, n_events)):
                    chunk.write_csv(fh, include_header=(i == 0), datetime_format="%Y-%m-%dT%H:%M:%S")
        else:
            import pyarrow.parquet as pq

            writer = None
            try:
                for chunk in iter_event_chunks(seed, n_events):
                    table = chunk.to_arrow()
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema, compression="zstd",
                                                  write_statistics=["timestamp", "event_id"])
                    writer.write_table(table, row_group_size=CHUNK_EVENTS)
            finally:
                if writer is not None:
                    writer.close()
    return p


def _log_format(log_format: str) -> str:
    f = (log_format or "").strip().lower()
    f = {"pq": "parquet"}.get(f, f)
    if f not in LOG_FORMATS:
        raise UsageError("unknown error-log format", expected=" or ".join(LOG_FORMATS), found=repr(log_format),
                         hint="use parquet (fast, small) or csv")
    return f


def write_sample(out_dir: str | Path, *, seed: int = DEFAULT_SEED, n_events: int = DEFAULT_EVENTS,
                 log_format: str = "parquet", force: bool = False) -> dict[str, Path]:
    """Write ``catalogue.yaml`` and ``errors.parquet`` (or ``errors.csv``) into ``out_dir``.

    Everything is written to a temporary folder beside ``out_dir`` first, then moved into place: a new folder
    is renamed in one step; into an existing folder (only with ``force``) each file replaces its namesake
    atomically, other files there are left alone. A non-empty ``out_dir`` without ``force`` is a UsageError.
    """
    from codekit.io.files import write_folder_atomic

    seed = check_seed(seed)
    fmt = _log_format(log_format)
    names = {"catalogue": "catalogue.yaml", "errors": f"errors.{fmt}"}

    def build(tmp: Path) -> list[str]:
        _write_catalogue_yaml(sample_catalogue(seed), tmp / names["catalogue"], seed)
        write_event_log(tmp / names["errors"], seed=seed, n_events=n_events, log_format=fmt)
        return list(names.values())

    out = write_folder_atomic(out_dir, build=build, replace=force, owner="codekit sample")
    return {key: out / name for key, name in names.items()}


def sample_city(out_dir: str | Path, *, seed: int = DEFAULT_SEED, n_events: int = DEFAULT_EVENTS,
                log_format: str = "parquet", force: bool = False) -> dict[str, Any]:
    """``codekit sample``: :func:`write_sample`, and what was written (the dict ``--json`` prints):
    ``{"out", "seed", "n_codes", "n_divisions", "n_events", "files": {key: {"path", "bytes"}}}``."""
    paths = write_sample(out_dir, seed=seed, n_events=n_events, log_format=log_format, force=force)
    cat = sample_catalogue(seed)
    return {
        "out": str(out_dir), "seed": seed, "n_codes": len(cat), "n_divisions": len(cat.divisions()),
        "n_events": n_events,
        "files": {k: {"path": str(p), "bytes": p.stat().st_size} for k, p in sorted(paths.items())},
    }


def _write_catalogue_yaml(catalogue: Catalogue, path: Path, seed: int) -> None:
    from codekit.io.catalogue import write_catalogue

    catalogue = Catalogue(list(catalogue.codes), source=catalogue.source, format=catalogue.format)
    write_catalogue(catalogue, path, format="yaml")


__all__ = [
    "SampleCity", "sample_catalogue", "generate_sample", "write_sample", "sample_city", "write_event_log", "iter_event_chunks",
    "DEFAULT_SEED", "DEFAULT_EVENTS", "CHUNK_EVENTS", "LOG_FORMATS",
]


# --------------------------------------------------------------------------------------------------------------
# The next inventory: what the city's code export looks like a release later
# --------------------------------------------------------------------------------------------------------------

#: Community Recreation joins as a new integrated service division: its codes in the next inventory
#: (name, section, description). Some have a home among today's public categories, some do not.
_NEXT_DIVISION = "Community Recreation"
_NEXT_CODES = (
    ("Recreation Program Registration Problem", "Programs", "Trouble registering for a recreation program or class."),
    ("Swimming Lesson Enquiry", "Aquatics", "Questions about swimming lessons and pool schedules."),
    ("Pool Closed Unexpectedly", "Aquatics", "A public pool or wading pool is closed during posted hours."),
    ("Community Centre Room Booking", "Facility Booking", "Booking a room or gym at a community centre."),
    ("Community Centre Maintenance Issue", "Facilities", "Something broken or unsafe inside a community centre."),
    ("Arena Ice Condition", "Arenas", "Poor ice or a safety problem at an indoor arena rink."),
    ("Youth Drop-in Program Feedback", "Programs", "Feedback on a youth drop-in program."),
    ("Recreation Fee Assistance Application", "Programs", "Applying for help paying recreation program fees."),
)


def next_inventory(seed: int = DEFAULT_SEED) -> Catalogue:
    """The sample city's next code inventory (deterministic per seed): the new Community Recreation division's
    codes, and changes to today's codes of every kind ``codekit sync`` reports: renames (same code, new
    name), one code replaced by another (new id, same name and fields), removals, retired codes active again,
    a division and a section move, an operational field added and a pick-list value added, an SLA changed.
    Also two new codes of existing divisions that clearly belong with existing categories."""
    import random
    from dataclasses import replace

    from codekit.model import AllowedValue, OperationalField, ServiceCode

    cat = sample_catalogue(seed)
    rng = random.Random(f"next-inventory-{seed}")
    active = [c for c in cat if c.active]
    retired = [c for c in cat if not c.active]
    pick = sorted(rng.sample(range(len(active)), 16))
    renamed = {active[i].code for i in pick[0:4]}
    replaced = {active[i].code for i in pick[4:6]}
    removed = {active[i].code for i in pick[6:10]}
    moved_div = active[pick[10]].code
    moved_sec = active[pick[11]].code
    field_added = active[pick[12]].code
    sla_changed = active[pick[13]].code
    listy = [c for c in active if any(f.is_list for f in c.fields) and c.code not in
             renamed | replaced | removed | {moved_div, moved_sec, field_added, sla_changed}]
    value_added = listy[rng.randrange(len(listy))].code if listy else None
    reactivated = {c.code for c in retired[:2]}
    divisions = sorted({c.division for c in active if c.division})
    out: list[ServiceCode] = []
    for c in cat:
        if c.code in removed:
            continue
        if c.code in replaced:
            out.append(replace(c, code=c.code + "-N"))
            continue
        if c.code in renamed:
            c = replace(c, name=f"{c.name} (updated)")
        if c.code in reactivated:
            c = replace(c, status="active")
        if c.code == moved_div:
            c = replace(c, division=next(d for d in divisions if d != c.division))
        if c.code == moved_sec:
            c = replace(c, section=f"{c.section} North" if c.section else "North")
        if c.code == field_added:
            c = replace(c, fields=c.fields + (OperationalField(key="photo_taken", prompt="Did you take a photo?",
                                                              datatype="string", required=False),))
        if c.code == sla_changed and c.sla_days:
            c = replace(c, sla_days=float(c.sla_days) + 5)
        if c.code == value_added:
            fields = []
            done = False
            for f in c.fields:
                if f.is_list and not done:
                    f = replace(f, values=f.values + (AllowedValue("other", "Other"),))
                    done = True
                fields.append(f)
            c = replace(c, fields=tuple(fields))
        out.append(c)
    for i, (name, section, desc) in enumerate(_NEXT_CODES, start=1):
        out.append(ServiceCode(code=f"CR-{i:04d}", name=name, division=_NEXT_DIVISION, section=section,
                               description=desc, volume=100 * (len(_NEXT_CODES) - i + 1), sla_days=10.0, ctl_level=1))
    for code, name, like in (("TS-9001", "Pothole in a Bike Lane Crossing", "TS-0106"),
                             ("UF-9001", "Tree Branch Hanging Over Sidewalk", None)):
        base = cat.get(like) if like else None
        division = base.division if base else "Urban Forestry"
        section = base.section if base else ""
        fields = base.fields if base else ()
        out.append(ServiceCode(code=code, name=name, division=division, section=section, fields=fields,
                               volume=500, sla_days=base.sla_days if base else 10.0,
                               ctl_level=base.ctl_level if base else 2))
    return Catalogue(sorted(out, key=lambda c: c.code), source=f"sample city next inventory (seed {seed})",
                     format=cat.format)


def write_next_inventory(out_dir: str | Path, *, seed: int = DEFAULT_SEED, force: bool = False) -> Path:
    """Write :func:`next_inventory` as ``next.yaml`` into ``out_dir`` (a folder of its own, or the sample's)."""
    from codekit.io.catalogue import catalogue_yaml
    from codekit.io.files import check_output, write_text_atomic

    if seed < 0:
        raise UsageError("the seed must be a whole number of zero or more", found=str(seed))
    path = Path(out_dir) / "next.yaml"
    if path.exists() and not force:
        raise UsageError("the output exists", path=str(path), hint="pass --force to replace it, or name another folder")
    check_output(path)
    return write_text_atomic(path, catalogue_yaml(next_inventory(seed)))
