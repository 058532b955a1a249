"""Run mutmut over one of the modules that guard evidence, privacy, signatures or a legal
decision, against the tests that pin it, in a scratch copy of the repository.

    .venv/bin/python tools/mutation.py decisions    # the notify decision (core/decisions.py)
    .venv/bin/python tools/mutation.py chain        # the evidence chain and verify --against
    .venv/bin/python tools/mutation.py replay       # the signed-request replay guard
    .venv/bin/python tools/mutation.py --list

mutmut reads one ``[tool.mutmut]`` table from ``pyproject.toml``; each target here is such a
table, written into the copy's ``pyproject.toml`` before mutmut runs there, so the working tree
is never touched. A surviving mutant is a missing test: the last line printed counts them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGETS: dict[str, dict[str, list[str]]] = {
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
    },
    "replay": {
        "only_mutate": ["incidentbot/slack/replay.py"],
        "tests": ["tests/test_invariants.py", "tests/test_security.py"],
    },
}


def _table(target: dict[str, list[str]]) -> str:
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS))
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    args = parser.parse_args(argv)
    if args.list or args.target is None:
        for name, target in TARGETS.items():
            print(f"{name:10} {', '.join(target['only_mutate'])}")
        return 0
    mutmut = Path(sys.executable).parent / "mutmut"
    with tempfile.TemporaryDirectory(prefix="incidentbot-mutation-") as tmp:
        copy = Path(tmp) / "repo"
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
        (copy / "pyproject.toml").write_text(pyproject + "\n" + _table(TARGETS[args.target]))
        run = subprocess.run([str(mutmut), "run"], cwd=copy)
        results = subprocess.run([str(mutmut), "results"], cwd=copy, capture_output=True, text=True)
        survivors = [line for line in results.stdout.splitlines() if "survived" in line]
        print("\n".join(survivors))
        print(f"{args.target}: {len(survivors)} surviving mutant(s)")
        return 1 if run.returncode or survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
