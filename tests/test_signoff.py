"""Division sign-off on the small test release: who must approve, approvals bound to a hash of the
division's part of the diff, the release refused without them, bad input refused with nothing written,
the code-owners file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.test_release_build import copy_inputs, edit

UF = "Urban Forestry"
PFR = "Parks, Forestry & Recreation"
SWMS = "Solid Waste Management Services"

PROJECT = f"""\
[divisions."{UF}"]
reviewers = ["Jane Doe <jane@example.org>"]

[divisions."{PFR}"]
reviewers = ["Sam Lee <sam@example.org>", "@parks-leads"]

[signoff]
require = ["major", "minor"]
"""


class Repo:
    """A project folder: codekit.toml, taxonomy/, catalogue.yaml, dist/ with the first release."""

    def __init__(self, root: Path, project: str = PROJECT) -> None:
        self.root = root
        self.tax, self.cat = copy_inputs(root)
        self.project = root / "codekit.toml"
        self.project.write_text(project, encoding="utf-8")
        self.dist = root / "dist"
        self.approvals = root / "approvals"

    def run(self, *args: str):
        return run_cli(*args, "--project", str(self.project))

    def release(self, *extra: str):
        return self.run("release", str(self.tax), "--catalogue", str(self.cat), "--out", str(self.dist), *extra)

    def approve(self, division: str, by: str, *extra: str):
        return self.run("approve", "--division", division, "--by", by, "--taxonomy", str(self.tax),
                        "--catalogue", str(self.cat), "--out", str(self.dist), *extra)

    def diff_json(self, *extra: str) -> dict:
        r = self.run("diff", str(self.dist / "1.0.0"), str(self.tax), "--catalogue", str(self.cat), "--output", "json",
                     *extra)
        assert r.exit_code == 0, r.stderr
        return json.loads(r.stdout)

    def move_tree_code(self) -> None:
        """FOR-TREE moves from Urban Forestry to Parks, Forestry & Recreation."""
        edit(self.cat, "division: Urban Forestry\n    section: Street Trees", f"division: {PFR}\n    section: Forestry")

    def files(self) -> list[str]:
        return sorted(p.name for p in self.approvals.iterdir()) if self.approvals.exists() else []


@pytest.fixture
def repo(tmp_path) -> Repo:
    r = Repo(tmp_path)
    first = r.release()
    assert first.exit_code == 0, first.stderr
    return r


@pytest.fixture
def moved(repo) -> Repo:
    repo.move_tree_code()
    return repo


def _missing_line(*parts: str) -> str:
    return (f"Error: sign-off missing from {len(parts)} division(s): {'; '.join(parts)}; nothing was released. "
            "Each division reviews its part (`codekit diff OLD NEW --division NAME`) and records its approval "
            "(`codekit approve --division NAME --by REVIEWER`)\n")


def test_the_first_release_needs_no_signoff(repo):
    assert (repo.dist / "1.0.0").is_dir()
    assert "approvals" not in json.loads((repo.dist / "1.0.0" / "manifest.json").read_text())


def test_diff_lists_the_divisions_that_must_approve(moved):
    d = moved.diff_json()
    change = next(c for c in d["changes"] if c["kind"] == "division-reassigned")
    assert change["divisions"] == [PFR, UF]
    s = d["signoff"]
    assert (s["required"], s["missing"], s["ok"], s["enforced"]) == ([PFR, UF], [PFR, UF], False, True)
    assert [x["status"] for x in s["divisions"]] == ["missing", "missing"]
    assert s["divisions"][0]["reviewers"] == ["Sam Lee <sam@example.org>", "@parks-leads"]


def test_a_move_between_divisions_needs_both(moved):
    r = moved.release()
    assert r.exit_code == 1
    assert r.stderr == _missing_line(f"{PFR} (no approval)", f"{UF} (no approval)")
    assert sorted(p.name for p in moved.dist.iterdir()) == ["1.0.0"]

    r = moved.approve(UF, "jane@example.org")
    assert r.exit_code == 0, r.stderr
    assert "Still to approve: Parks, Forestry & Recreation" in r.stdout
    r = moved.release()
    assert r.exit_code == 1 and r.stderr == _missing_line(f"{PFR} (no approval)")

    r = moved.approve(PFR, "@parks-leads", "--note", "agreed at the forestry meeting")
    assert r.exit_code == 0, r.stderr
    r = moved.release()
    assert r.exit_code == 0, r.stderr
    assert "Approved by: Parks, Forestry & Recreation (@parks-leads); Urban Forestry (Jane Doe <jane@example.org>)" in r.stdout
    man = json.loads((moved.dist / "2.0.0" / "manifest.json").read_text())
    assert [(a["division"], a["by"], a["from_version"]) for a in man["approvals"]] == [
        (PFR, "@parks-leads", "1.0.0"), (UF, "Jane Doe <jane@example.org>", "1.0.0")]
    log = (moved.dist / "2.0.0" / "CHANGELOG.md").read_text()
    assert f"### Sign-off\n\n- {PFR} (major): approved by @parks-leads\n- {UF} (major): approved by Jane Doe &lt;jane@example.org>\n" in log


def test_the_approval_file_is_reviewable_and_bound_to_the_hash(moved):
    d = moved.diff_json("--division", UF)
    expected_hash = d["signoff"]["divisions"][0]["diff_hash"]
    r = moved.approve(UF, "Jane Doe", "--expect", expected_hash, "--json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["written"] is True and out["approval"]["diff_hash"] == expected_hash
    (name,) = moved.files()
    assert name == f"1.0.0--urban-forestry--{expected_hash[7:19]}--jane-doe.json"
    rec = json.loads((moved.approvals / name).read_text())
    assert rec["by"] == "Jane Doe <jane@example.org>" and rec["from"] == "1.0.0" and rec["division"] == UF
    assert [c["kind"] for c in rec["changes"]] == ["division-reassigned"]
    # the same approval again writes nothing
    r = moved.approve(UF, "jane@example.org")
    assert r.exit_code == 0 and r.stdout.startswith("Already recorded") and moved.files() == [name]


def test_a_later_change_to_the_divisions_part_voids_its_approval(moved):
    assert moved.approve(UF, "jane@example.org").exit_code == 0
    assert moved.approve(PFR, "sam@example.org").exit_code == 0
    old_uf = moved.diff_json("--division", UF)["signoff"]["divisions"][0]["diff_hash"]
    # the tree category reaches FOR-TREE (Urban Forestry's before, Parks' now): a new answer touches both
    edit(moved.tax / "tree.yaml", "      - {key: large, label: Bigger than an arm}",
         "      - {key: large, label: Bigger than an arm}\n      - {key: huge, label: A whole tree}")
    edit(moved.tax / "tree.yaml", "map: {small: SM, large: LG}", "map: {small: SM, large: LG, huge: LG}")
    r = moved.release()
    assert r.exit_code == 1
    void = "is void: the division's part of the diff changed since"
    assert r.stderr == _missing_line(f"{PFR} (the approval by Sam Lee <sam@example.org> {void})",
                                     f"{UF} (the approval by Jane Doe <jane@example.org> {void})")
    assert moved.diff_json("--division", UF)["signoff"]["divisions"][0]["diff_hash"] != old_uf
    assert len(moved.files()) == 2  # the void approvals stay, as history
    # a stale hash is refused, nothing written
    before = moved.files()
    pfr_old = json.loads((moved.approvals / next(n for n in before if "parks" in n)).read_text())["diff_hash"]
    r = moved.approve(PFR, "sam@example.org", "--expect", pfr_old)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: stale diff: {PFR}'s part of the diff from 1.0.0 changed since it was reviewed "
                               f"(expected {pfr_old}, found sha256:")
    assert moved.files() == before
    assert moved.approve(PFR, "sam@example.org").exit_code == 0
    r = moved.release()
    assert r.exit_code == 1 and r.stderr == _missing_line(f"{UF} (the approval by Jane Doe <jane@example.org> {void})")
    assert moved.approve(UF, "Jane Doe").exit_code == 0
    assert moved.release().exit_code == 0


def test_patch_changes_are_exempt_by_default(repo):
    edit(repo.tax / "tree.yaml", "label: Damaged tree", "label: Damaged or fallen tree")
    r = repo.release()
    assert r.exit_code == 0, r.stderr
    log = (repo.dist / "1.0.1" / "CHANGELOG.md").read_text()
    assert f"- {UF} (patch): no approval needed (patch changes are exempt)" in log
    assert json.loads((repo.dist / "1.0.1" / "manifest.json").read_text())["approvals"] == []


def test_the_policy_can_require_patch_approvals(tmp_path):
    repo = Repo(tmp_path, PROJECT.replace('require = ["major", "minor"]', 'require = ["major", "minor", "patch"]'))
    assert repo.release().exit_code == 0
    edit(repo.tax / "tree.yaml", "label: Damaged tree", "label: Damaged or fallen tree")
    r = repo.release()
    assert r.exit_code == 1 and r.stderr == _missing_line(f"{UF} (no approval)")


def test_a_division_without_reviewers_cannot_be_signed_off(repo):
    edit(repo.cat, "division: Solid Waste Management Services", "division: Transportation Services")
    r = repo.release()
    assert r.exit_code == 1
    assert "Solid Waste Management Services (no reviewers named in the project)" in r.stderr
    r = repo.approve(SWMS, "jane@example.org")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {repo.project}: the project names no reviewers for {SWMS}. Add "
                        f'[divisions."{SWMS}"] reviewers = ["Name <email>"] to the project file\n')
    assert repo.files() == []


# ------------------------------------------------------------------------------------------ bad input

def test_unknown_division(moved):
    r = moved.approve("Nope", "jane@example.org")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: no such division (expected {PFR}, {SWMS}, Transportation Services, {UF}, "
                        "found 'Nope'). Name a division of the catalogue, as the project spells it\n")
    assert moved.files() == []


def test_division_with_no_changes(moved):
    r = moved.approve("Transportation Services", "jane@example.org")
    assert r.exit_code == 2
    assert r.stderr == ("Error: Transportation Services has no changes from 1.0.0 to "
                        f"working ({moved.tax}): there is nothing to approve. The divisions with changes: {PFR}, {UF}\n")
    assert moved.files() == []


def test_someone_who_is_not_a_reviewer(moved):
    r = moved.approve(UF, "Mallory <m@example.org>")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {moved.project}: Mallory <m@example.org> is not a reviewer of {UF} "
                        "(expected Jane Doe <jane@example.org>, found 'Mallory <m@example.org>'). "
                        "Approve as one of the division's reviewers, or add them to the project file\n")
    assert moved.files() == []


@pytest.mark.parametrize("tamper", ["hash", "changes", "key"])
def test_tampered_approval_file(moved, tamper):
    assert moved.approve(UF, "jane@example.org").exit_code == 0
    (name,) = moved.files()
    path = moved.approvals / name
    rec = json.loads(path.read_text())
    if tamper == "hash":
        rec["diff_hash"] = "sha256:" + "0" * 64
    elif tamper == "changes":
        rec["changes"][0]["after"]["division"] = "Somewhere else"
    else:
        rec["approved"] = True
    path.write_text(json.dumps(rec))
    r = moved.release()
    assert r.exit_code == 2
    if tamper == "key":
        assert r.stderr.startswith(f"Error: {path}: the approval has the wrong keys (expected by, changes, "
                                   "codekit_approval, diff_hash, division, from, note, found unexpected approved)")
    else:
        assert r.stderr.startswith(f"Error: {path}: tampered approval: its changes do not hash to its diff_hash")
    assert r.stderr.endswith("Approvals are written by `codekit approve`, never by hand: restore the file from "
                             "version control\n")
    assert sorted(p.name for p in moved.dist.iterdir()) == ["1.0.0"]
    r = moved.approve(PFR, "sam@example.org")
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {path}: ")
    assert moved.files() == [name]


def test_no_project_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run_cli("approve", "--division", UF, "--by", "x")
    assert r.exit_code == 2
    assert r.stderr == ("Error: no project file names the divisions' reviewers (codekit.toml in this folder or above). "
                        'Create codekit.toml with [divisions."Division name"] reviewers = ["Name <email>"], or pass '
                        "--project FILE\n")


def test_a_project_file_without_divisions_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "codekit.toml").write_text('[inputs]\ncatalogue = "sample:311"\n')
    r = run_cli("owners")
    assert (r.exit_code, r.stderr) == (2, f"Error: {tmp_path / 'codekit.toml'}: the project file names no division's "
                                          "reviewers. Add "
                                          '[divisions."Division name"] reviewers = ["Name <email>"] for each division\n')


def test_bad_policy(tmp_path):
    repo = Repo(tmp_path, PROJECT.replace('require = ["major", "minor"]', 'require = ["huge"]'))
    r = repo.release()
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {repo.project}: [signoff] require is not a list of levels "
                        "(expected a list of \"major\", \"minor\", \"patch\", found ['huge'])\n")
    assert not repo.dist.exists()


def test_project_found_from_the_current_folder(moved, monkeypatch):
    monkeypatch.chdir(moved.root)
    r = run_cli("release", "taxonomy", "--catalogue", "catalogue.yaml", "--out", "dist")
    assert r.exit_code == 1 and r.stderr == _missing_line(f"{PFR} (no approval)", f"{UF} (no approval)")


def test_diff_check_signoff_for_ci(moved):
    args = ("diff", str(moved.dist / "1.0.0"), str(moved.tax), "--catalogue", str(moved.cat), "--check-signoff",
            "--output", "markdown")
    r = moved.run(*args)
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: sign-off missing from 2 division(s): {PFR} (no approval); {UF} (no approval). ")
    assert "### Sign-off" in r.stdout
    assert moved.approve(UF, "jane@example.org").exit_code == 0
    assert moved.approve(PFR, "sam@example.org").exit_code == 0
    r = moved.run(*args)
    assert r.exit_code == 0, r.stderr
    assert f"| {PFR} | major | 1 | approved | Sam Lee &lt;sam@example.org> |" in r.stdout


def test_division_page_says_how_to_approve_it(moved):
    r = moved.run("diff", str(moved.dist / "1.0.0"), str(moved.tax), "--catalogue", str(moved.cat),
                  "--division", UF, "--output", "html")
    assert r.exit_code == 0
    h = moved.diff_json("--division", UF)["signoff"]["divisions"][0]["diff_hash"]
    assert f"codekit approve --division &quot;{UF}&quot; --by NAME --expect {h}" in r.stdout
    assert '<tr class="signoff-missing">' in r.stdout


# ------------------------------------------------------------------------------------------ owners

def test_codeowners_file(repo):
    r = repo.run("owners", str(repo.tax), "--catalogue", str(repo.cat), "--codeowners")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "# Generated by `codekit owners --codeowners` from the project's [divisions.*] reviewers.\n"
        "# Do not edit by hand: change the project file and regenerate.\n\n"
        f"# /taxonomy/litter.yaml: no reviewers named for {SWMS}\n"
        "# /taxonomy/pothole.yaml: no reviewers named for Transportation Services\n"
        f"/taxonomy/tree.yaml jane@example.org  # {UF}\n"
    )
    out = repo.root / ".github" / "CODEOWNERS"
    r = repo.run("owners", str(repo.tax), "--catalogue", str(repo.cat), "--out", str(out))
    assert r.exit_code == 0 and out.read_text().endswith(f"/taxonomy/tree.yaml jane@example.org  # {UF}\n")
    repo.move_tree_code()
    r = repo.run("owners", str(repo.tax), "--catalogue", str(repo.cat), "--json")
    table = json.loads(r.stdout)
    assert table["divisions"][PFR] == {"categories": 1, "reviewers": ["Sam Lee <sam@example.org>", "@parks-leads"]}
    assert table["not_in_catalogue"] == [UF]
    r = repo.run("owners", str(repo.tax), "--catalogue", str(repo.cat), "--codeowners")
    assert f"/taxonomy/tree.yaml @parks-leads sam@example.org  # {PFR}\n" in r.stdout


def test_reviewer_without_email_or_handle(tmp_path):
    repo = Repo(tmp_path, PROJECT.replace('"Jane Doe <jane@example.org>"', '"Jane Doe"'))
    r = repo.run("owners", str(repo.tax), "--catalogue", str(repo.cat), "--codeowners")
    assert r.exit_code == 2
    assert r.stderr == (f"Error: {repo.project}: reviewer 'Jane Doe' has no e-mail or @handle for the code-owners file "
                        "(expected \"Name <email>\", \"email\" or \"@handle\", found 'Jane Doe')\n")


# ------------------------------------------------------------------------------- a readable diff

def test_answer_level_changes_and_description_edits(tmp_path):
    from codekit.release.build import working_document
    from codekit.release.diff import diff_documents
    from tests.test_release_build import CATALOGUE, TAXONOMY

    tax, cat = copy_inputs(tmp_path)
    edit(tax / "tree.yaml", "{key: private, label: On private property}", "{key: private, label: On my property}")
    edit(tax / "tree.yaml", "      - {key: large, label: Bigger than an arm}",
         "      - {key: large, label: Bigger than an arm}\n      - {key: huge, label: A whole tree}")
    edit(tax / "tree.yaml", "map: {small: SM, large: LG}", "map: {small: SM, large: LG, huge: LG}")
    text = cat.read_text(encoding="utf-8")
    code = text.index("code: FOR-TREE")
    desc = text.index("description:", code)
    end = text.index("\n", desc)
    cat.write_text(text[:desc] + "description: Street trees, fallen or damaged." + text[end:], encoding="utf-8")
    _, _, a = working_document(TAXONOMY, CATALOGUE)
    _, _, b = working_document(tax, cat)
    d = diff_documents(a, b)
    got = {(c.kind, c.item): (c.before, c.after) for c in d.changes if c.kind != "route-changed"}
    assert got == {
        ("answer-relabelled", "where=private"): ("On private property", "On my property"),
        ("answer-added", "size=huge"): (None, "A whole tree"),
        ("code-description-changed", None): ({"description": a.code("FOR-TREE").description},
                                             {"description": "Street trees, fallen or damaged."}),
    }
    msgs = {c.kind: c.message for c in d.changes}
    assert msgs["answer-added"] == "category 'tree': question 'size' (\"How big is the broken part?\") now offers 'huge' (\"A whole tree\")"
    assert msgs["answer-relabelled"] == ("category 'tree': question 'where' (\"Where is the tree?\"): answer 'private' "
                                         "relabelled \"On private property\" -> \"On my property\"")
    assert "code-renamed" not in msgs


def test_diff_table_shows_the_signoff(moved):
    r = moved.run("diff", str(moved.dist / "1.0.0"), str(moved.tax), "--catalogue", str(moved.cat))
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert (f"Sign-off (major, minor changes need approval): 2 division(s) must approve: {PFR}, {UF}; "
            f"missing: {PFR}, {UF}.") in text
    assert "missing: no approval" in text


def test_diff_without_a_project_shows_no_signoff_but_json_says_it_is_not_enforced(moved, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    moved.project.unlink()
    args = ("diff", str(moved.dist / "1.0.0"), str(moved.tax), "--catalogue", str(moved.cat))
    r = run_cli(*args, "--output", "markdown", "--check-signoff")
    assert r.exit_code == 0 and "Sign-off" not in r.stdout
    s = json.loads(run_cli(*args, "--output", "json").stdout)["signoff"]
    assert s["enforced"] is False and s["required"] == [PFR, UF]
    r = moved.release()
    assert r.exit_code == 2 and r.stderr == f"Error: {moved.project}: no such project file. Give the path of codekit.toml\n"


def test_approvals_of_an_earlier_release_do_not_count(moved):
    assert moved.approve(UF, "jane@example.org").exit_code == 0
    assert moved.approve(PFR, "sam@example.org").exit_code == 0
    assert moved.release().exit_code == 0  # 2.0.0
    edit(moved.cat, f"division: {PFR}\n    section: Forestry", "division: Urban Forestry\n    section: Street Trees")
    r = moved.release()
    older = "no approval of the changes since the latest release (approvals on file are of the changes since 1.0.0)"
    assert r.exit_code == 1 and r.stderr == _missing_line(f"{PFR} ({older})", f"{UF} ({older})")


def test_a_yaml_approval_is_read_and_checked(moved):
    import yaml

    assert moved.approve(UF, "jane@example.org").exit_code == 0
    (name,) = moved.files()
    rec = json.loads((moved.approvals / name).read_text())
    (moved.approvals / name).unlink()
    (moved.approvals / "uf.yaml").write_text(yaml.safe_dump(rec), encoding="utf-8")
    (moved.approvals / "README.md").write_text("Approvals, one file each.\n", encoding="utf-8")
    assert moved.diff_json()["signoff"]["missing"] == [PFR]
    rec["by"] = "Mallory <m@example.org>"
    (moved.approvals / "uf.yaml").write_text(yaml.safe_dump(rec), encoding="utf-8")
    s = moved.diff_json()["signoff"]
    assert s["missing"] == [PFR, UF]
    assert s["divisions"][1]["reason"] == "approved by Mallory <m@example.org>, who is not a reviewer of the division"


def test_answer_removed_and_question_changed(tmp_path):
    from codekit.release.build import working_document
    from codekit.release.diff import diff_documents
    from tests.test_release_build import CATALOGUE, TAXONOMY

    tax, _ = copy_inputs(tmp_path)
    edit(tax / "tree.yaml", "      - {key: small, label: Smaller than an arm}\n", "")
    edit(tax / "tree.yaml", "map: {small: SM, large: LG}", "map: {large: LG}")
    edit(tax / "tree.yaml", "    ask_when: {where: street}\n", "    ask_when: {where: street}\n    required: false\n")
    _, _, a = working_document(TAXONOMY, CATALOGUE)
    _, _, b = working_document(tax, CATALOGUE)
    d = diff_documents(a, b)
    got = {(c.kind, c.item): (c.before, c.after) for c in d.changes if c.kind.startswith(("answer", "question"))}
    assert got == {("answer-removed", "size=small"): ("Smaller than an arm", None),
                   ("question-changed", "size"): ({"required": True}, {"required": False})}
    assert d.level == "major"
    fills = next(c for c in d.changes if c.kind == "route-changed" and c.item == "fields")
    assert (fills.before, fills.after) == (["branch_size: from size (large -> LG, small -> SM)"],
                                           ["branch_size: from size (large -> LG)"])


def test_the_ci_workflow_runs_the_signoff_check():
    import yaml

    wf = yaml.safe_load((Path(__file__).resolve().parents[1] / ".github" / "workflows" / "release.yml").read_text())
    steps = wf["jobs"]["release"]["steps"]
    step = next(s for s in steps if s.get("name") == "Division sign-off")
    assert "--check-signoff" in step["run"] and "codekit.toml" in step["if"]
    assert steps.index(step) < next(i for i, s in enumerate(steps) if s.get("name") == "Build the tagged release")
