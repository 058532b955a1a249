"""``incidentbot templates check``: the facts each template uses, unknown facts and syntax errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import (
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
)

from incidentbot.drafting.facts import FACTS, RENDER_NAMES
from incidentbot.drafting.render import (
    analysis_environment,
    environment,
    names_used,
    template_files,
)

# --- checking templates ----------------------------------------------------------------------


def template_facts(dirs: Sequence[Path]) -> dict[str, list[str]]:
    """The facts each template uses, by relative path (the first folder's file wins)."""
    env = analysis_environment(dirs)
    result: dict[str, list[str]] = {}
    for directory in dirs:
        for rel, _ in template_files(Path(directory)):
            if rel not in result:
                try:
                    result[rel] = sorted(names_used(env, rel))
                except TemplateError:
                    result[rel] = []  # check_templates reports why
    return result


def check_templates(dirs: Sequence[Path]) -> list[str]:
    """Problems in every template of ``dirs``: syntax errors, unknown facts or filters."""
    env = analysis_environment(dirs)
    known = {nodes.Filter: environment(dirs).filters, nodes.Test: environment(dirs).tests}
    allowed = FACTS.keys() | RENDER_NAMES | env.globals.keys()
    problems: list[str] = []
    for directory in map(Path, dirs):
        if not directory.is_dir():
            problems.append(f"{directory}: no such folder")
            continue
        for rel, path in template_files(directory):
            try:
                ast = env.parse(path.read_text(encoding="utf-8"), rel, str(path))
            except TemplateSyntaxError as error:
                problems.append(f"{path}:{error.lineno}: {error.message}")
                continue
            for name in sorted(set(meta.find_undeclared_variables(ast)) - allowed):
                problems.append(f'{path}: unknown fact "{name}"')
            for node in ast.find_all((nodes.Filter, nodes.Test)):
                if node.name not in known[type(node)]:
                    what = "filter" if isinstance(node, nodes.Filter) else "test"
                    problems.append(f'{path}:{node.lineno}: unknown {what} "{node.name}"')
            for ref in meta.find_referenced_templates(ast):
                if ref and not any((Path(d) / ref).is_file() for d in dirs):
                    problems.append(f'{path}: includes "{ref}", which does not exist')
    return problems
