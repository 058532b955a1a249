"""The regulators' clocks: when each notice is due, how long is left, and whether it is late.

A clock runs per jurisdiction and audience (the authority; the persons, once the decision in
force says they must be told). Rules come from ``jurisdictions.yaml`` as
:class:`~incidentbot.core.model.DeadlineRule`:

* ``hours``: a fixed count of elapsed hours from awareness (GDPR Art. 33(1): 72 h). It is
  computed in UTC, ``aware_at + timedelta(hours=72)``, so a daylight-saving change in between
  neither adds nor removes an hour: nights, weekends and holidays count. Regulation (EEC,
  Euratom) No 1182/71 Art. 3(4) moves a period's end off a weekend or holiday only for periods
  *not* expressed in hours, so a 72-hour period never rolls over to Monday. Its Art. 3(1)
  (the starting hour does not count) is not applied: the plain ``+72h`` ends earlier, hence safe.
* ``promptly`` (Québec P-39.1 s. 3.5), ``as_soon_as_feasible`` (PIPEDA s. 10.1(2), (6)),
  ``without_undue_delay`` (GDPR Art. 34(1)): the law gives no hours, so no due time is invented;
  ``target_hours``, when set, is the campaign's own internal target and is shown as such. Passing
  it is never called "overdue".

Pure: the time comes in as ``now``; every datetime must be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from incidentbot.core.model import DeadlineRule, Jurisdiction, Text
from incidentbot.core.severity import Decision, gdpr_law
from incidentbot.i18n import Message

KINDS: tuple[str, ...] = ("hours", "promptly", "as_soon_as_feasible", "without_undue_delay")
STATES: tuple[str, ...] = (
    "running", "overdue", "notified", "notified_late", "not_required", "not_started",
)  # fmt: skip
PERSONS_SUFFIX = ":persons"
"""``notifications`` key of a persons notice: ``"fr:persons"``; the bare id is the authority."""

_KIND_WORDS = frozenset({"promptly", "as_soon_as_feasible", "without_undue_delay"})
"""Deadline kinds worded by the catalogue (``deadlines.kind.NAME``)."""


@dataclass(frozen=True)
class Clock:
    """One regulator's (or the persons') clock at ``now``; see :data:`STATES`."""

    jurisdiction: str
    audience: str
    rule_kind: str
    due_at: datetime | None
    target_at: datetime | None
    notified_at: datetime | None
    reference: str | None
    required: bool | None
    state: str
    time_left: timedelta | None
    late_requires: str | None
    authority: str = ""
    citation: Text | None = None

    @property
    def key(self) -> str:
        """The ``notifications`` key this clock reads: ``fr`` or ``fr:persons``."""
        return self.jurisdiction + (PERSONS_SUFFIX if self.audience == "persons" else "")


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: {value.isoformat()}")
    return value.astimezone(UTC)


def _citation(j: Jurisdiction, audience: str) -> Text | None:
    threshold = j.threshold if audience == "authority" else j.persons_threshold
    if threshold in ("unlikely_risk", "high_risk"):
        law, loi = gdpr_law(j)
        article = "33(1)" if audience == "authority" else "34(1)"
        return {"en": f"{law} Art. {article}", "fr": f"{loi} art. {article}"}
    if threshold == "risk_of_serious_injury":
        return {"en": "P-39.1 s. 3.5", "fr": "P-39.1, art. 3.5"}
    if threshold == "rrosh":
        section = "10.1(2)" if audience == "authority" else "10.1(6)"
        return {"en": f"PIPEDA s. {section}", "fr": f"LPRPDE, art. {section}"}
    return None


def _clock(
    j: Jurisdiction,
    audience: str,
    rule: DeadlineRule,
    start: datetime | None,
    notification: tuple[datetime, str | None] | None,
    required: bool | None,
    now: datetime,
) -> Clock:
    if rule.kind not in KINDS:
        raise ValueError(
            f"jurisdiction {j.id}: unknown deadline kind {rule.kind!r}; known: {', '.join(KINDS)}"
        )
    if rule.kind == "hours" and rule.hours is None:
        raise ValueError(f"jurisdiction {j.id}: an 'hours' deadline needs its number of hours")
    # The only start time the bot has is awareness; PIPEDA's "determines the breach has
    # occurred" is recorded as that same moment (the declare modal asks for it).
    due = start + timedelta(hours=rule.hours) if start and rule.hours is not None else None
    if rule.kind != "hours":
        due = None
    target = (
        start + timedelta(hours=rule.target_hours)
        if start and rule.target_hours is not None
        else None
    )
    notified_at, reference = notification if notification else (None, None)
    if notified_at is not None:
        notified_at = _utc(notified_at, f"notified_at of {j.id}")
    time_left: timedelta | None = None
    if notified_at is not None:
        state = "notified_late" if due is not None and notified_at > due else "notified"
    elif required is False:
        state = "not_required"
    elif start is None:
        state = "not_started"
    elif due is not None and now > due:
        state = "overdue"
        time_left = due - now
    else:
        state = "running"
        aim = due or target
        time_left = aim - now if aim is not None else None
    late = rule.late_requires if state in ("overdue", "notified_late") else None
    return Clock(
        jurisdiction=j.id,
        audience=audience,
        rule_kind=rule.kind,
        due_at=due,
        target_at=target,
        notified_at=notified_at,
        reference=reference,
        required=required,
        state=state,
        time_left=time_left,
        late_requires=late,
        authority=j.authority,
        citation=_citation(j, audience),
    )


def clocks(
    *,
    aware_at: datetime | None,
    jurisdictions: Sequence[Jurisdiction],
    notifications: Mapping[str, tuple[datetime, str | None]],
    decisions: Mapping[str, Decision] | None,
    now: datetime,
) -> tuple[Clock, ...]:
    """Each jurisdiction's authority clock, then its persons clock when they must be told.

    ``notifications`` maps ``fr`` (the authority) or ``fr:persons`` to ``(notified_at,
    reference)``. ``decisions`` holds the decisions in force; a jurisdiction without one is
    ``required=None`` and its authority clock runs anyway, the safe side.
    """
    now = _utc(now, "now")
    start = _utc(aware_at, "aware_at") if aware_at is not None else None
    out: list[Clock] = []
    for j in jurisdictions:
        decision = decisions.get(j.id) if decisions is not None else None
        required = decision.authority if decision is not None else None
        out.append(
            _clock(j, "authority", j.deadline, start, notifications.get(j.id), required, now)
        )
        if decision is not None and decision.persons:
            out.append(
                _clock(
                    j,
                    "persons",
                    j.persons_deadline,
                    start,
                    notifications.get(j.id + PERSONS_SUFFIX),
                    True,
                    now,
                )
            )
    return tuple(out)


def _aim(clock: Clock) -> datetime | None:
    times = [t for t in (clock.due_at, clock.target_at) if t is not None]
    return min(times) if times else None


def urgency(clock: Clock) -> tuple[int, datetime]:
    """How a DPO ranks clocks: a legal deadline (``due_at``, running or overdue) before an
    internal target, each by time; notified, not required and not started clocks last."""
    never = datetime.max.replace(tzinfo=UTC)
    if clock.state in ("running", "overdue"):
        if clock.due_at is not None:
            return (0, clock.due_at)
        if clock.target_at is not None:
            return (1, clock.target_at)
        return (2, never)
    return (3, never)


def ordered(all_clocks: Sequence[Clock]) -> tuple[Clock, ...]:
    """The clocks as ``deadlines`` and the card list them: each jurisdiction's lines together,
    its authority's line before its persons' line, the jurisdictions by their most urgent clock
    (see :func:`urgency`; stable)."""
    groups: dict[str, list[Clock]] = {}
    for clock in all_clocks:
        groups.setdefault(clock.jurisdiction, []).append(clock)
    by_urgency = sorted(groups.values(), key=lambda group: min(map(urgency, group)))
    return tuple(
        clock
        for group in by_urgency
        for clock in sorted(group, key=lambda c: c.audience != "authority")
    )


def next_deadline(all_clocks: Sequence[Clock]) -> Clock | None:
    """The running or overdue clock that comes first: the earliest legal deadline, or when no
    legal deadline runs, the earliest internal target. A CAI internal target in 20 hours does
    not hide a CNIL legal deadline in 60: the law's clock is the one a DPO answers for."""
    timed = [c for c in all_clocks if urgency(c)[0] < 2]
    return min(timed, key=urgency) if timed else None


def format_duration(delta: timedelta, lang: str = "en") -> str:
    """``41 h 20 min``, ``3 d 4 h`` (``3 j 4 h`` in French), ``20 min``; the sign is dropped.

    Under 72 hours the count stays in hours, the unit of the GDPR's clock; from 72 hours on,
    days and hours (minutes no longer matter at that range).
    """
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if minutes >= 72 * 60:
        return f"{days} {'j' if lang == 'fr' else 'd'}" + (f" {hours} h" if hours else "")
    hours += days * 24
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{mins} min"


def _zone(tz: tzinfo | str) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _at(value: datetime, tz: tzinfo) -> str:
    """``2026-12-01 14:46 (UTC-05:00)``: every time of a deadline line, with its offset."""
    local = value.astimezone(tz)
    shift = local.utcoffset() or timedelta(0)
    sign = "-" if shift < timedelta(0) else "+"
    minutes = int(abs(shift).total_seconds() // 60)
    return f"{local:%Y-%m-%d %H:%M} (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def _both(delta: timedelta) -> Text:
    return {lang: format_duration(delta, lang) for lang in ("en", "fr")}


def _late_text(clock: Clock) -> Message | str:
    if clock.late_requires is None:
        return ""
    cite = Message("deadlines.cite", citation=clock.citation) if clock.citation else ""
    if clock.late_requires == "delay_reasons":
        return Message("deadlines.requires_reasons", cite=cite)
    return Message("deadlines.requires", what=clock.late_requires, cite=cite)


def describe_message(clock: Clock, tz: tzinfo | str = UTC) -> Message:
    """One line for ``deadlines`` and the incident card, in the reader's zone, to be worded."""
    zone = _zone(tz)
    authority = clock.authority or clock.jurisdiction
    label: Message | str = authority
    if clock.audience == "persons":
        label = Message("deadlines.persons", label=authority)
    state = clock.state
    text: Message
    if state in ("notified", "notified_late") and clock.notified_at is not None:
        late: Message | str = ""
        if state == "notified_late" and clock.due_at is not None:
            late = Message("deadlines.late_by", late=_both(clock.notified_at - clock.due_at))
        text = Message(
            "deadlines.notified",
            at=_at(clock.notified_at, zone),
            late=late,
            reference=Message("deadlines.reference", reference=clock.reference)
            if clock.reference
            else "",
            requires=_late_text(clock),
        )
    elif state == "not_required":
        text = Message("deadlines.not_required")
    elif state == "not_started":
        text = Message("deadlines.not_started")
    else:
        left = _both(clock.time_left) if clock.time_left is not None else ""
        words: Message | str = (
            Message(f"deadlines.kind.{clock.rule_kind}")
            if clock.rule_kind in _KIND_WORDS
            else clock.rule_kind
        )
        if state == "overdue":
            text = Message("deadlines.overdue", left=left, requires=_late_text(clock))
        elif clock.due_at is not None:
            target = (
                Message("deadlines.target", target=_at(clock.target_at, zone))
                if clock.target_at is not None
                else ""
            )
            text = Message("deadlines.due", at=_at(clock.due_at, zone), left=left, target=target)
        elif clock.target_at is None:
            text = Message("deadlines.no_hours", words=words)
        else:
            passed = clock.time_left is not None and clock.time_left < timedelta(0)
            text = Message(
                "deadlines.target_passed" if passed else "deadlines.target_left",
                words=words,
                target=_at(clock.target_at, zone),
                left=left,
            )
    return Message("deadlines.clock", label=label, text=text)


def describe(clock: Clock, lang: str = "en", tz: tzinfo | str = UTC) -> str:
    """:func:`describe_message` worded in ``lang`` (for front ends that want the text)."""
    return describe_message(clock, tz).render(lang)
