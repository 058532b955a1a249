"""Downloads from the page: the timeline exports (narrowed by the filters) and drafts."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import TYPE_CHECKING

from incidentbot.errors import NotFound
from incidentbot.i18n import Message
from incidentbot.service import reports
from incidentbot.web.filters import Filters
from incidentbot.web.wording import word

if TYPE_CHECKING:
    from incidentbot.service import IncidentService


def export_text(
    service: IncidentService, ref: str, fmt: str, filters: Filters, *, lang: str, tz: tzinfo
) -> str:
    """The CLI's export (``reports``), narrowed to the events the filters keep.

    Unfiltered, this is exactly ``incidentbot export``. Filtered, the JSON carries the filters
    under ``filters`` and every kept event keeps its ``prev_hash`` and ``hash``, so each one can
    still be checked against the chain; ``chain`` still describes the whole chain.
    """
    if not filters.active:
        return reports.export(service, ref, fmt, lang=lang, tz=tz)
    data = reports.export_data(service, ref, lang)
    total = len(data["timeline"])
    data["timeline"] = [
        e for e in data["timeline"] if filters.exported(e, reports.worded(e, lang, tz))
    ]
    data["filters"] = {**filters.params(), "shown": len(data["timeline"]), "total": total}
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        rows = (reports.csv_row(e, lang, tz) for e in data["timeline"])
        return reports.to_csv(reports.TIMELINE_HEADER, rows)
    shown = word("shown", lang, shown=len(data["timeline"]), total=total)
    described = ", ".join(f"{k}={v}" for k, v in filters.params().items())
    described = described.replace("|", "\\|").replace("\n", " ")
    rules = reports.rules_worded(service, ref)
    text = reports.export_markdown(data, lang=lang, tz=tz, rules=rules)
    head, _, rest = text.partition("\n")
    return f"{head}\n\n> {shown} ({word('filtered_by', lang)} {described})\n{rest}"


def draft_file(service: IncidentService, ref: str, draft_id: int, *, actor: str) -> tuple[str, str]:
    """``(file name, Markdown body)`` of one draft of ``ref``; NotFound for another's."""
    incident = service.resolve(ref, actor=actor, action="read_draft")
    rows = service.store.rows("drafts", "incident = ? AND id = ?", [incident.ref, draft_id])
    if not rows:
        raise NotFound(Message("exports.no_draft", ref=incident.ref, number=draft_id))
    r = rows[0]
    parts = [incident.ref, r["kind"], r["jurisdiction"], r["language"], r.get("variant")]
    name = "-".join(str(p) for p in parts if p) + f"-v{r['version']}.md"
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
    return safe, r["body"] or ""
