"""Run mutmut over one of the modules that guard evidence, privacy, signatures or a legal
decision, against the tests that pin it, in a scratch copy of the repository.

    .venv/bin/python tools/mutation.py decisions    # the notify decision (core/decisions.py)
    .venv/bin/python tools/mutation.py chain        # the evidence chain and verify --against
    .venv/bin/python tools/mutation.py replay       # the signed-request replay guard
    .venv/bin/python tools/mutation.py access       # the access gate, links, the routes' check
    .venv/bin/python tools/mutation.py --list
    .venv/bin/python tools/mutation.py access --keep /tmp/access   # keep the copy (mutmut show)
    .venv/bin/python tools/mutation.py access --keep /tmp/access --again
                         # after adding tests: bring the kept copy up to date and run again
                         # only the mutants not reached or that survived (and are not
                         # listed as equivalent)

mutmut reads one ``[tool.mutmut]`` table from ``pyproject.toml``; each target here is such a
table, written into the copy's ``pyproject.toml`` before mutmut runs there, so the working tree
is never touched. A target may mutate only some functions of its files (``mutants``: mutmut's
name patterns) and list the mutants that cannot change what anyone observes (``equivalent``,
each with its reason): those are not missing tests. Any other surviving mutant is a missing
test: the last line printed counts the mutants, killed, survived and equivalent.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent


class _Target(TypedDict, total=False):
    only_mutate: list[str]
    tests: list[str]
    mutants: list[str]
    equivalent: dict[str, str]


TARGETS: dict[str, _Target] = {
    "decisions": {
        "only_mutate": ["incidentbot/core/decisions.py"],
        "tests": [
            "tests/test_decisions_risk.py",
            "tests/test_decisions_exemptions.py",
            "tests/test_decisions_canada.py",
            "tests/test_decisions_words.py",
            "tests/test_severity.py",
        ],
    },
    "chain": {
        "only_mutate": ["incidentbot/store/chain.py", "incidentbot/evidence/exports.py"],
        "tests": [
            "tests/test_chain.py",
            "tests/test_store.py",
            "tests/test_audit.py",
            "tests/test_anchors.py",
        ],
        "equivalent": {
            "incidentbot.evidence.exports.xǁUnreadableǁ__init____mutmut_1": (
                "the exception's own text is never read: against() words exc.problem"
            ),
            "incidentbot.evidence.exports.xǁUnreadableǁ__init____mutmut_2": (
                "the exception's own text is never read: against() words exc.problem"
            ),
        },
    },
    "replay": {
        "only_mutate": ["incidentbot/slack/replay.py"],
        "tests": ["tests/test_invariants.py", "tests/test_security.py"],
    },
    # issue 13: every access rule (token, membership, role) has a test that fails without it.
    # The rules only: the gate's decisions, the link's checks and the routes' check; the wording
    # helpers and the use cases' acknowledgements are left out.
    "access": {
        "only_mutate": [
            "incidentbot/service/access.py",
            "incidentbot/web/links.py",
            "incidentbot/web/handlers.py",
        ],
        "mutants": [
            "incidentbot.service.access.x_may_see*",
            "incidentbot.service.access.x_resolve*",
            "incidentbot.service.access.x_roles_of*",
            "incidentbot.service.access.x_check*",
            "incidentbot.service.access.x_record_refusal*",
            "incidentbot.service.access.x_membership*",
            "incidentbot.service.access.x_members_*",
            "incidentbot.web.handlers.xǁHandlersǁcheck*",
            "incidentbot.web.links.x__unb64*",
            "incidentbot.web.links.x_verify*",
            "incidentbot.web.links.x_read*",
        ],
        "tests": [
            "tests/test_access.py",
            "tests/test_roles.py",
            "tests/test_slack_access.py",
            "tests/test_web_links.py",
            "tests/test_hostile.py",
        ],
        "equivalent": {
            "incidentbot.web.links.x__unb64__mutmut_7": (
                "the ValueError's text is never shown: read() turns it into ForgedLink"
            ),
            "incidentbot.web.links.x_read__mutmut_3": (
                "a token of exactly MAX_TOKEN_CHARS (2048) is never genuine: its payload would "
                "be 2001 base64 characters, a length unpadded base64 never has; the MAC refuses it"
            ),
            "incidentbot.web.links.x_read__mutmut_30": '"UTF-8" and "utf-8" name one codec',
            "incidentbot.web.links.x_read__mutmut_39": "text of a ValueError read() catches",
            "incidentbot.web.links.x_read__mutmut_40": "text of a ValueError read() catches",
            "incidentbot.web.links.x_read__mutmut_41": "text of a ValueError read() catches",
            "incidentbot.service.access.x_members__mutmut_4": (
                "the lead is also incident.roles['lead'] (declare and assign lead set both)"
            ),
            "incidentbot.service.access.x_membership__mutmut_14": (
                "generations counted from 1 instead of 0: the signer and the check read the same "
                "count, so only the number inside every token moves"
            ),
            "incidentbot.service.access.x_membership__mutmut_18": (
                "every access event is recorded with its data: `raw` is never empty"
            ),
            "incidentbot.service.access.x_membership__mutmut_22": (
                "every invite, exclude, join and leave event names its user: no default is read"
            ),
            "incidentbot.service.access.x_membership__mutmut_24": (
                "every invite, exclude, join and leave event names its user: no default is read"
            ),
            "incidentbot.service.access.x_membership__mutmut_27": (
                "every invite, exclude, join and leave event names its user: no default is read"
            ),
            "incidentbot.service.access.x_membership__mutmut_33": (
                "an excluded person is taken out of the members whatever `invited` holds, and "
                "only a new invitation (which re-adds them) lifts the exclusion"
            ),
            "incidentbot.service.access.x_membership__mutmut_40": (
                "counting revocations down: each still gives a generation never used before, "
                "read alike by the signer and the check"
            ),
            "incidentbot.service.access.x_membership__mutmut_41": (
                "counting revocations by two: each still gives a generation never used before, "
                "read alike by the signer and the check"
            ),
            "incidentbot.service.access.x_resolve__mutmut_3": (
                'no reference and "XXXX" both answer "Which incident?" (no channel id is XXXX)'
            ),
            "incidentbot.service.access.x_resolve__mutmut_11": (
                "an INC-n looked up as a channel finds nothing (Slack channel ids never look "
                "like INC-n), and the lookup by reference follows"
            ),
            "incidentbot.service.access.x_resolve__mutmut_35": (
                "render(None) falls back to English: the same recorded text"
            ),
            "incidentbot.service.access.x_resolve__mutmut_44": (
                'render("XXenXX") falls back to English: the same recorded text'
            ),
            "incidentbot.service.access.x_resolve__mutmut_45": (
                'render("EN") falls back to English: the same recorded text'
            ),
            "incidentbot.service.access.x_record_refusal__mutmut_32": (
                "refuse() sets `allowed` with `audit`, so the getattr default is never read"
            ),
            "incidentbot.service.access.x_record_refusal__mutmut_35": (
                "refuse() sets `allowed` with `audit`, so the getattr default is never read"
            ),
        },
    },
}


def _table(target: _Target) -> str:
    def toml_list(items: list[str]) -> str:
        return "[" + ", ".join(f'"{i}"' for i in items) + "]"

    return (
        "[tool.mutmut]\n"
        'source_paths = ["incidentbot/"]\n'
        f"only_mutate = {toml_list(target['only_mutate'])}\n"
        'also_copy = ["tests/", "tools/", "docs/", "README.md"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list(target['tests'])}\n"
    )


def _copy(copy: Path, target: _Target) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    pyproject = (copy / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"\[tool\.mutmut\].*?(?=\n\[|\Z)", "", pyproject, flags=re.S)
    (copy / "pyproject.toml").write_text(pyproject + "\n" + _table(target))


def _sync(copy: Path) -> None:
    """Bring a kept copy up to date: only files whose content changed are copied, so mutmut
    keeps its verdicts on the unchanged modules; its test map is traced again."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        source, kept = ROOT / name, copy / name
        if name == "pyproject.toml" or not source.is_file():
            continue
        if not kept.is_file() or kept.read_bytes() != source.read_bytes():
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, kept)
    (copy / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)


def _status(copy: Path, target: _Target) -> dict[str, str]:
    """Each of the target's mutants and its verdict (killed, survived, not checked, ...)."""
    mutmut = Path(sys.executable).parent / "mutmut"
    results = subprocess.run(
        [str(mutmut), "results", "--all", "true"], cwd=copy, capture_output=True, text=True
    )
    status: dict[str, str] = {}
    for line in results.stdout.splitlines():
        mutant, _, outcome = line.strip().partition(": ")
        if mutant and outcome:
            status[mutant] = outcome
    patterns = target.get("mutants") or ["*"]
    return {m: s for m, s in status.items() if any(_matches(m, p) for p in patterns)}


def _run(copy: Path, name: str, target: _Target, *, again: bool = False) -> int:
    mutmut = Path(sys.executable).parent / "mutmut"
    names = target.get("mutants", [])
    if again:
        equivalent = target.get("equivalent", {})
        names = [
            m
            for m, s in _status(copy, target).items()
            if s == "not checked" or (s == "survived" and m not in equivalent)
        ]
    # a first run takes the target's mutant patterns, or every mutant of its files when it
    # names none; a run again takes only what is left (nothing left: nothing to run)
    run = subprocess.run([str(mutmut), "run", *names], cwd=copy) if names or not again else None
    ran = _status(copy, target)
    if not ran:
        print(f"{name}: no mutant was generated or run; the run proves nothing")
        return 1
    equivalent = target.get("equivalent", {})
    survived = sorted(m for m, s in ran.items() if s == "survived" and m not in equivalent)
    stale = sorted(m for m in equivalent if ran.get(m) != "survived")
    for mutant in survived:
        print(f"    {mutant}: survived")
    for mutant in stale:
        print(f"    {mutant}: listed as equivalent but {ran.get(mutant, 'not generated')}")
    verdicts = Counter(
        "equivalent" if m in equivalent and s == "survived" else s for m, s in ran.items()
    )
    print(
        f"{name}: {len(ran)} mutants, "
        + ", ".join(f"{n} {verdict}" for verdict, n in sorted(verdicts.items()))
        + " (a timeout is a mutant the tests caught by hanging)"
    )
    return 1 if (run is not None and run.returncode) or survived or stale else 0


def _matches(mutant: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(mutant, pattern)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it afterwards")
    parser.add_argument(
        "--again", action="store_true",
        help="with --keep: update the kept copy, run only survivors and mutants not reached",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.list or args.target is None:
        for name, target in TARGETS.items():
            print(f"{name:10} {', '.join(target['only_mutate'])}")
        return 0
    target = TARGETS[args.target]
    if args.again and (args.keep is None or not (args.keep / "repo" / "mutants").is_dir()):
        parser.error("--again needs the --keep folder of an earlier run")
    if args.keep is not None:
        copy = args.keep.resolve() / "repo"
        if args.again:
            _sync(copy)
            return _run(copy, args.target, target, again=True)
        if copy.exists():
            shutil.rmtree(copy)
        _copy(copy, target)
        return _run(copy, args.target, target)
    with tempfile.TemporaryDirectory(prefix="incidentbot-mutation-") as tmp:
        copy = Path(tmp) / "repo"
        _copy(copy, target)
        return _run(copy, args.target, target)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
