#!/usr/bin/env bash
# Mutation run over the access rules (issue 13): the gate (service/access.py, service/members.py),
# the signed links (web/links.py) and the web routes' checks (web/handlers.py).
# pyproject's [tool.mutmut] belongs to the decision rules' run, so this one runs on a copy of the
# tracked files with its own [tool.mutmut]; the copy is kept for `mutmut results` / `mutmut show`.
#   bash scripts/mutate-access.sh [WORKDIR]      (default: a new temporary folder)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
cd "$root"
git ls-files -z | xargs -0 -I{} cp --parents {} "$work/"
"$root/.venv/bin/python" - "$work/pyproject.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
section = '''[tool.mutmut]
source_paths = ["incidentbot/"]
only_mutate = ["incidentbot/service/access.py", "incidentbot/service/members.py",
               "incidentbot/web/links.py", "incidentbot/web/handlers.py"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = ["tests/test_access.py", "tests/test_slack_access.py",
    "tests/test_web_links.py"]
'''
text = re.sub(r"\[tool\.mutmut\]\n(?:(?!\n\[)[\s\S])*", section, text, count=1)
open(path, "w", encoding="utf-8").write(text)
PY
cd "$work"
# the rules themselves (mutmut names; the wording helpers and the use cases' Acks are left out)
"$root/.venv/bin/mutmut" run --max-children 2 \
  'incidentbot.service.access.x_may_see*' 'incidentbot.service.access.x_resolve*' \
  'incidentbot.service.access.x_roles_of*' 'incidentbot.service.access.x_check*' \
  'incidentbot.service.access.x_record_refusal*' 'incidentbot.service.access.x_membership*' \
  'incidentbot.service.access.x_members_*' 'incidentbot.web.handlers.xǁHandlersǁcheck*' \
  'incidentbot.web.links.x__unb64*' 'incidentbot.web.links.x_verify*' 'incidentbot.web.links.x_read*'
"$root/.venv/bin/mutmut" results
echo "mutants kept in $work"
