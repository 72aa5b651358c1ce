"""A small hand-built city whose right answer is known, shared by the propose/confusion tests."""

from __future__ import annotations

from codekit.model import AllowedValue, Catalogue, OperationalField, ServiceCode

#: code -> (name, division, family)
CODES = {
    "RD-1": ("Road - Pot hole", "Transportation", "pothole"),
    "RD-2": ("Road Pothole / Road Damage", "Transportation", "pothole"),
    "RD-3": ("Pothole on Expressway", "Transportation", "pothole"),
    "GR-1": ("Graffiti on City Bridge", "Transportation", "graffiti"),
    "GR-2": ("Graffiti: Private Property", "Licensing", "graffiti"),
    "GR-3": ("Graffiti on a Litter Bin", "Solid Waste", "graffiti"),
}


def small_catalogue() -> Catalogue:
    size = OperationalField("size", "How big?", "singlevaluelist", True,
                            (AllowedValue("s", "Small"), AllowedValue("l", "Large")))
    surface = OperationalField("surface", "Which surface?", "string")
    codes = []
    for code, (name, div, fam) in CODES.items():
        fields = (size,) if fam == "pothole" else (surface,)
        codes.append(ServiceCode(code=code, name=name, division=div, section=div + " Ops", fields=fields,
                                 volume=1000, extra=(("family", fam),)))
    return Catalogue(codes, source="small", format="test")


def small_log():
    """100 confusion events: 90 inside a family, 10 across; plus 50 other errors."""
    import datetime as dt

    import polars as pl

    rows = []

    def add(n, kind, a, b=None, channel="web"):
        for _ in range(n):
            rows.append((kind, a, b, channel))

    add(40, "recoded", "RD-1", "RD-2")
    add(20, "recoded", "RD-2", "RD-3")
    add(20, "transferred", "GR-2", "GR-1")
    add(10, "recoded", "GR-3", "GR-1")
    add(10, "transferred", "RD-3", "GR-1")
    add(30, "cancelled", "RD-1")
    add(20, "duplicate", "GR-3", channel="phone")
    t0 = dt.datetime(2025, 1, 1)
    return pl.DataFrame(
        {
            "event_id": list(range(1, len(rows) + 1)),
            "timestamp": [t0 + dt.timedelta(minutes=i) for i in range(len(rows))],
            "channel": [r[3] for r in rows],
            "kind": [r[0] for r in rows],
            "submitted_code": [r[1] for r in rows],
            "correct_code": [r[2] for r in rows],
        },
        schema={"event_id": pl.Int64, "timestamp": pl.Datetime("us"), "channel": pl.String, "kind": pl.String,
                "submitted_code": pl.String, "correct_code": pl.String},
    )


def write_small(tmp_path):
    """The small city on disk: (catalogue.yaml, errors.csv)."""
    from codekit.io.catalogue import write_catalogue

    cat = tmp_path / "catalogue.yaml"
    write_catalogue(small_catalogue(), cat)
    log = tmp_path / "errors.csv"
    small_log().write_csv(log)
    return cat, log
