"""``codekit release``: build ``<out>/<version>/`` from a taxonomy and a catalogue.

Order of work, so that nothing is half-written and nothing published is touched:

1. check the version text and the output folder (a version must be ``X.Y.Z``; the release folder
   must sit directly inside ``out``);
2. validate the taxonomy (:func:`codekit.validate.validate`): any finding refuses the release
   (:class:`ReleaseRefused`, exit 1) before anything is written; then lint it
   (:func:`codekit.validate.lint.lint`): lint errors refuse it too (:class:`LintRefused`, exit 1)
   unless a pre-release is asked for (``prerelease=True``): then the version is ``X.Y.Z-draft.N`` (the
   next version, N one more than the drafts of it already in ``out``) and ``catalogue.json`` says
   ``"status": "draft"``. Drafts are never the baseline of a later release;
3. read the latest published release in ``out`` (verified against its manifest: a corrupted one is
   refused) and diff against it; the version is the next semantic version unless given;
4. render every file in memory, then write them to a temp folder inside ``out`` and rename it to
   ``out/<version>`` (a version already there is never overwritten: :class:`VersionExists`, exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codekit.errors import CodekitError, UsageError
from codekit.release import model as m
from codekit.release.diff import Diff, diff_documents, next_version
from codekit.release.read import (
    DRAFT_SEMVER, SEMVER, draft_numbers, latest_release, published_versions, sha256_bytes, version_key,
)

ISO_8601 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})([T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))?)?$")


def check_built_at(built_at: str) -> str:
    """An ISO 8601 time that exists (``2026-02-30`` or ``25:00`` is refused, not written into a release)."""
    import datetime as dt

    mt = ISO_8601.match(built_at or "")
    bad = UsageError("--built-at is not an ISO 8601 time", expected="e.g. 2026-11-22T20:00:00Z", found=repr(built_at),
                     hint="give the build time as YYYY-MM-DDTHH:MM:SSZ")
    if not mt:
        raise bad
    year, month, day, _t, hour, minute, _s, second, _f, _z, oh, om = mt.groups()
    try:
        dt.date(int(year), int(month), int(day))
        dt.time(int(hour or 0), int(minute or 0), int(second or 0))
        if oh is not None and (int(oh) > 23 or int(om) > 59):
            raise ValueError("offset")
    except ValueError:
        raise UsageError("--built-at names a time that does not exist", expected="a real date and time, e.g. "
                         "2026-11-22T20:00:00Z", found=repr(built_at), hint="check the month, day, hour and minute") from None
    return built_at


def check_newer(version: str, out: Path) -> None:
    """A version given by hand must be greater than every version already published in ``out``."""
    published = published_versions(out)
    if published and version not in published and version_key(version) < version_key(published[-1]):
        raise UsageError(f"version {version} is older than the latest published release {published[-1]}",
                         path=str(out), expected=f"a version greater than {published[-1]}", found=version,
                         hint="leave --version out to get the next version, or give a greater one")


class ReleaseRefused(CodekitError):
    """The taxonomy does not validate: it is never released. Exit 1; ``report`` has the findings."""

    exit_code = 1

    def __init__(self, report: Any, path: str | None = None) -> None:
        self.report = report
        n = len(report.findings)
        super().__init__(
            f"the taxonomy has {n} validation finding(s); nothing was released", path=path,
            hint="run `codekit validate` and fix them first",
        )


class LintRefused(CodekitError):
    """The taxonomy has lint errors: not fit to publish. Exit 1; ``report`` has the lint findings."""

    exit_code = 1

    def __init__(self, report: Any, path: str | None = None) -> None:
        self.report = report
        super().__init__(
            f"the taxonomy is not ready to publish: {report.summary()}; nothing was released", path=path,
            hint="run `codekit lint` and fix the errors, or pass --pre-release for a draft (X.Y.Z-draft.N)",
        )


class VersionExists(UsageError):
    """A published version is never overwritten."""


@dataclass
class BuildResult:
    version: str
    path: Path
    previous: str | None
    diff: Diff | None
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    signoff: Any = None  # codekit.release.signoff.SignoffStatus when the project's sign-off was checked
    prerelease: bool = False
    readiness: dict[str, Any] = field(default_factory=dict)  # the lint summary (codekit.validate.lint)
    timelines: dict[str, Any] | None = None  # what the release says of its request history (with --requests)

    @property
    def level(self) -> str | None:
        return self.diff.level if self.diff is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "path": str(self.path), "previous": self.previous, "level": self.level,
            "changes": self.diff.counts() if self.diff is not None else {}, "files": dict(sorted(self.files.items())),
            **({"signoff": self.signoff.to_dict()} if self.signoff is not None else {}),
            "prerelease": self.prerelease, "readiness": self.readiness,
            **({"timelines": self.timelines} if self.timelines is not None else {}),
        }


def safe_join(root: Path, rel: str) -> Path:
    """``root/rel``, refusing any ``rel`` that would land outside ``root`` (absolute, ``..``, drive)."""
    p = Path(rel)
    if p.is_absolute() or rel.startswith(("/", "\\")) or any(part in ("..", "") for part in rel.split("/")) or "\\" in rel:
        raise UsageError("an output path escapes the output folder", path=rel, expected=f"a path inside {root}",
                         hint="file names come from category ids and versions: check them")
    out = (root / p)
    base = root.resolve()
    if base != out.resolve().parent and base not in out.resolve().parents:
        raise UsageError("an output path escapes the output folder", path=str(out), expected=f"a path inside {root}")
    return out


def check_version(version: str, *, draft: bool = False) -> str:
    if draft and DRAFT_SEMVER.match(version or ""):
        return version
    if not SEMVER.match(version or ""):
        raise UsageError("the version is not a semantic version", expected="X.Y.Z, e.g. 1.2.0", found=repr(version),
                         hint="versions name folders inside the output folder: no paths, no prefixes")
    return version


def render_files(doc: m.CatalogueRelease, changelog_text: str) -> dict[str, bytes]:
    """Relative path -> bytes of every file of the release except the manifest."""
    from codekit.release import open311, tables
    from codekit.release.search import search_index
    from codekit.release.skos import skos_turtle

    dumped = doc.dump()
    if dumped["metadata"].get("status") == "final":
        del dumped["metadata"]["status"]  # written for drafts only: final releases read as before
    files: dict[str, bytes] = {
        "catalogue.json": m.pretty_json(dumped),
        "routing.csv": tables.routing_csv(doc.routing),
        "routing.parquet": tables.routing_parquet(doc.routing),
        "status.json": m.pretty_json(tables.status(doc)),
        "skos.ttl": skos_turtle(doc),
        "search.json": m.pretty_json(search_index(dumped)),
        "CHANGELOG.md": changelog_text.encode("utf-8"),
    }
    files.update(open311.files(doc))
    return dict(sorted(files.items()))


def manifest_bytes(doc: m.CatalogueRelease, files: dict[str, bytes], approvals: Any = None) -> bytes:
    signed = None
    if approvals is not None:  # a SignoffStatus: who approved, per division
        signed = [m.ManifestApproval(division=a.division, by=a.by, from_version=a.from_version, diff_hash=a.diff_hash)
                  for a in approvals.approvals()]
    man = m.Manifest(
        schema_id=m.MANIFEST_SCHEMA_ID, schema_version=m.MANIFEST_VERSION,
        catalogue_version=doc.metadata.catalogue_version, content_hash=doc.metadata.content_hash,
        files={k: m.ManifestFile(sha256=sha256_bytes(v), bytes=len(v)) for k, v in sorted(files.items())},
        approvals=signed,
    )
    return m.pretty_json(man.model_dump(mode="json", exclude_none=True))


def working_document(taxonomy_dir: Any, catalogue: Any = None):
    """(taxonomy, catalogue, document) of a working taxonomy folder, not validated."""
    from codekit.release.document import build_document
    from codekit.taxonomy import load_taxonomy
    from codekit.taxonomy.model import Taxonomy
    from codekit.taxonomy.retired import with_retired
    from codekit.validate import resolve_catalogue

    tax = taxonomy_dir if isinstance(taxonomy_dir, Taxonomy) else load_taxonomy(taxonomy_dir)
    cat = with_retired(resolve_catalogue(catalogue), tax)
    return tax, cat, build_document(tax, cat, version="0.0.0")


def build_release(taxonomy_dir: Any, catalogue: Any = None, out: str | Path = "dist", *,
                  version: str | None = None, source_revision: str | None = None, built_at: str | None = None,
                  sample_limit: int = 500, seed: int = 311, signoff: Any = None, lint_options: Any = None,
                  prerelease: bool = False, requests: str | Path | None = None, requests_format: str | None = None,
                  requests_columns: str | None = None, as_of: str | None = None, business_days: bool = False,
                  min_requests: int | None = None) -> BuildResult:
    """Validate, version and write a release to ``out/<version>/``; see the module docstring.

    ``signoff`` (a :class:`codekit.release.signoff.Signoff`): refuse the release (``SignoffMissing``, exit 1)
    when a change lacks its divisions' approvals; the CHANGELOG and manifest list who approved.

    ``requests`` (a request history, any source ``codekit timelines`` reads; ``requests_format``,
    ``requests_columns``, ``as_of``, ``business_days`` as there): the release carries the expected timelines per
    category and code (``catalogue.json`` ``timelines``, ``status.json``, the Open311 definitions). Without it the
    release is exactly what it was before timelines existed."""
    from codekit.release.document import with_version
    from codekit.release.render import changelog, changelog_entry
    from codekit.validate import validate

    out = Path(out)
    if version is not None:
        check_version(version, draft=prerelease)
    if built_at is not None:
        check_built_at(built_at)
    if out.exists() and not out.is_dir():
        raise UsageError("the output folder is a file", path=str(out), hint="give a folder, e.g. dist")
    if version is not None and (out / version).exists():
        raise VersionExists(f"version {version} is already published; a release is never overwritten",
                            path=str(out / version), hint="give another --version, or leave it out to compute one")
    if version is not None:
        check_newer(version, out)

    tax, cat, doc = working_document(taxonomy_dir, catalogue)
    report = validate(tax, cat, sample_limit=sample_limit, seed=seed)
    if not report.ok:
        raise ReleaseRefused(report, path=str(tax.source))
    from codekit.validate.lint import lint

    lint_report = lint(tax, cat, options=lint_options)
    if not lint_report.ok and not prerelease:
        raise LintRefused(lint_report, path=str(tax.source))

    if requests is not None:
        doc = with_timelines(doc, tax, cat, requests, format=requests_format, columns=requests_columns, as_of=as_of,
                             business_days=business_days, min_requests=min_requests)
    prev = latest_release(out)
    diff = diff_documents(prev.document, doc, b_name="working") if prev is not None else None
    if version is None:
        version = next_version(prev.version if prev else None, diff.level if diff else None)
        if version is None:
            raise UsageError(f"nothing changed since {prev.version}; nothing to release", path=str(prev.path),
                             hint="change the taxonomy or catalogue, or give --version to publish anyway")
    if prerelease and not DRAFT_SEMVER.match(version):
        version = f"{version}-draft.{(draft_numbers(out, version) or [0])[-1] + 1}"
    if diff is not None:
        diff.b = version
    # division sign-off (a draft pre-release is not for publication: it needs none)
    approved = signoff.check(diff) if signoff is not None and diff is not None and not prerelease else None
    target = out / version
    if target.exists() or target.is_symlink():
        raise VersionExists(f"version {version} is already published; a release is never overwritten",
                            path=str(target), hint="give another --version")

    doc = with_version(doc, version, source_revision=source_revision, built_at=built_at,
                       previous_version=prev.version if prev else None)
    if prerelease:
        doc = doc.model_copy(update={"metadata": doc.metadata.model_copy(update={"status": "draft"})})
    prev_log = None
    if prev is not None and (prev.path / "CHANGELOG.md").is_file():
        prev_log = (prev.path / "CHANGELOG.md").read_text(encoding="utf-8")
    text = changelog(changelog_entry(version, diff, doc, built_at, signoff=approved), prev_log)
    files = render_files(doc, text)
    files["manifest.json"] = manifest_bytes(doc, files, approvals=approved)

    write_release_dir(out, version, files)
    return BuildResult(version, target, prev.version if prev else None, diff,
                       {k: sha256_bytes(v) for k, v in files.items()}, approved, prerelease=prerelease,
                       readiness=lint_report.readiness(), timelines=_timelines_summary(doc.timelines))


def _timelines_summary(tl: m.Timelines | None) -> dict[str, Any] | None:
    if tl is None:
        return None
    said = lambda part: sum(1 for t in part.values() if t.expected)  # noqa: E731
    return {"as_of": tl.as_of, "as_of_from": tl.as_of_from, "source": tl.source, "timed": tl.counts.timed,
            "still_open": tl.counts.still_open, "categories": len(tl.categories), "codes": len(tl.codes),
            "categories_with_expected": said(tl.categories), "codes_with_expected": said(tl.codes),
            "codes_not_in_catalogue": tl.counts.codes_not_in_catalogue}


def with_timelines(doc: m.CatalogueRelease, tax: Any, cat: Any, requests: str | Path, *, format: str | None = None,
                   columns: str | None = None, as_of: str | None = None, business_days: bool = False,
                   min_requests: int | None = None) -> m.CatalogueRelease:
    """``doc`` with the timelines of the request history ``requests`` over its taxonomy and catalogue."""
    from codekit.analyse.timelines import CTL_MIN_REQUESTS
    from codekit.release.timelines import history_timelines, timelines_block

    n_min = CTL_MIN_REQUESTS if min_requests is None else min_requests
    result = history_timelines(requests, catalogue=cat, taxonomy=tax, format=format, columns=columns, as_of=as_of,
                               business_days=business_days, min_requests=n_min)
    return doc.model_copy(update={"timelines": timelines_block(result, doc, min_requests=n_min)})


def write_release_dir(out: Path, version: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` into a temp folder inside ``out`` and rename it to ``out/<version>``."""
    from codekit.io.files import write_folder_atomic

    check_version(version, draft=True)
    target = safe_join(out, version)
    if target.exists() or target.is_symlink():
        raise VersionExists(f"version {version} is already published; a release is never overwritten",
                            path=str(target))
    try:
        write_folder_atomic(target, files, read_only=True)
    except UsageError as e:
        if target.exists():  # another release won the race
            raise VersionExists(f"version {version} is already published; a release is never overwritten",
                                path=str(target)) from None
        raise e
    return target
