"""The one reader of the environment and of the TOML file: frozen :class:`Settings`.

Only ``cli.py`` calls :func:`load`; everything else is handed the values it needs. A missing
or malformed setting raises :class:`ConfigError` with one line naming it and what is expected.

The TOML file (``INCIDENTBOT_CONFIG``) looks like::

    language = "fr"
    timezone = "America/Toronto"
    playbook_dirs = ["/srv/campaign/playbooks"]     # searched after the built-in folder
    template_dirs = ["/srv/campaign/templates"]     # searched before the built-in folder
    private_channels = false
    link_ttl_hours = 24
    link_secret = "a long random string"            # else derived and kept in the database
    reminder_points = ["24h", "6h", "1h", "0h"]
    timestamp_url = "https://tsa.example.org/"     # RFC 3161 authority stamping chain heads
    timestamp_ca = "tsa-root.pem"                   # its root certificate, to check tokens

    [organization]
    name = "Équipe Exemple"
    id = "1234567890"            # SIREN or NEQ
    legal_representative = "…"
    contact_name = "…"  contact_email = "…"  contact_phone = "…"
    dpo_name = "…"      dpo_email = "…"      letterhead = "…"   signature = "…"
    kind = "party"               # party, campaign, public_body or other: how notices speak

    [roles]                       # who may do what (see README, "Roles")
    approve_press = ["comms", "lead"]
    approve_regulator = ["dpo"]
    approve_notice = ["dpo"]
    close = ["lead"]
    severity = ["lead", "dpo"]
    aware = ["lead", "dpo"]
    skip_mandatory = ["lead"]

    [people]                      # Slack user ids or shell names -> campaign roles
    U012ABC = ["lead"]
    alice = ["lead", "dpo"]
    bob = { roles = ["comms"], name = "Bob Martin" }   # with the name drafts print
"""

from __future__ import annotations

import importlib.resources
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateutil import tz as dateutil_tz

from incidentbot.drafting.facts import ORGANIZATION_KINDS
from incidentbot.errors import ConfigError
from incidentbot.i18n import Message

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

DEFAULT_PERMISSIONS: Mapping[str, tuple[str, ...]] = {
    "approve_press": ("comms", "lead"),
    "approve_staff": ("comms", "lead"),
    "approve_regulator": ("dpo", "lead"),
    "approve_notice": ("dpo", "lead"),
    "approve_vendor": ("dpo", "lead"),
    "approve_report": ("lead",),
    "close": ("lead",),
    "severity": ("lead", "dpo"),
    "aware": ("lead", "dpo"),
    "skip_mandatory": ("lead", "dpo"),
    "override": ("lead", "dpo"),
    # who shapes the incident itself (README, "Who may see and do what")
    "assign_role": ("lead", "director"),
    "invite": ("lead", "dpo"),
    "exclude": ("lead", "dpo", "director"),
    "private": ("lead", "dpo"),
    "public": ("lead",),
    "links_revoke": ("lead", "dpo"),
}


def builtin_dir(name: str) -> Path:
    """``playbooks`` or ``templates``: the folder shipped inside the package (package data,
    found through :mod:`importlib.resources`, in a checkout and an installed wheel alike)."""
    return Path(str(importlib.resources.files("incidentbot") / name))


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("incidentbot.db")
    language: str = "en"
    timezone: str = "UTC"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    public_url: str = "http://localhost:3000"
    config_path: Path | None = None
    playbook_dirs: tuple[Path, ...] = ()
    template_dirs: tuple[Path, ...] = ()
    private_channels: bool = False
    link_ttl_hours: float = 24.0
    link_secret: str | None = None
    reminder_points: tuple[str, ...] = ("24h", "6h", "1h", "0h")
    organization: Mapping[str, str] = field(default_factory=dict)
    permissions: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_PERMISSIONS)
    )
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # display names for the drafts ("conduite par Alice Martin", not "alice"): [people] entries
    # written as { roles = [...], name = "Alice Martin" }
    names: Mapping[str, str] = field(default_factory=dict)
    # Whether a [people] table is configured. The permissions apply either way: with no table,
    # the declarer leads the incident and holds every right a lead has.
    enforce_roles: bool = False
    # an RFC 3161 timestamp authority that stamps each published chain head, and the PEM
    # file of the certificate(s) its tokens are checked against (docs/evidence.md)
    timestamp_url: str | None = None
    timestamp_ca: Path | None = None

    def __repr__(self) -> str:  # never print a token
        return f"Settings(db_path={self.db_path!s}, language={self.language}, tz={self.timezone})"

    @property
    def all_playbook_dirs(self) -> tuple[Path, ...]:
        """The built-in playbooks first; a campaign's folders override them by id."""
        return (builtin_dir("playbooks"), *self.playbook_dirs)

    @property
    def all_template_dirs(self) -> tuple[Path, ...]:
        """A campaign's template folders first; the built-in ones fill the gaps."""
        return (*self.template_dirs, builtin_dir("templates"))

    def slack_api_base(self) -> str:
        url = self.slack_api_url
        return url if url.endswith("/") else url + "/"

    def tzinfo(self) -> Any:
        return dateutil_tz.gettz(self.timezone)


def _zone(name: str, setting: str) -> str:
    if name.upper() == "UTC" or dateutil_tz.gettz(name) is not None and "/" in name:
        return name
    raise ConfigError(Message("config.zone", setting=setting, value=repr(name)))


def _lang(value: str, setting: str) -> str:
    v = value.strip().lower()
    if v not in ("en", "fr"):
        raise ConfigError(Message("config.lang", setting=setting, value=repr(value)))
    return v


def reader_language(env: Mapping[str, str] | None = None) -> str:
    """The language to word an error in before the settings are loaded (they may be what is
    wrong): ``INCIDENTBOT_LANG`` if it is French or English, else English."""
    env = os.environ if env is None else env
    value = (env.get("INCIDENTBOT_LANG") or "").strip().lower()
    return value if value in ("en", "fr") else "en"


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (``os.environ`` by default) and the TOML file it names."""
    env = os.environ if env is None else env
    file_values: dict[str, Any] = {}
    config_path = env.get("INCIDENTBOT_CONFIG")
    base = Path.cwd()
    if config_path:
        path = Path(config_path)
        if not path.is_file():
            raise ConfigError(Message("config.no_file", path=config_path))
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(Message("config.bad_toml", path=config_path, error=exc)) from exc
        base = path.parent
    known = {
        "language", "timezone", "playbook_dirs", "template_dirs", "private_channels",
        "link_ttl_hours", "link_secret", "reminder_points", "organization", "roles", "people",
        "public_url", "db", "timestamp_url", "timestamp_ca",
    }  # fmt: skip
    unknown = sorted(set(file_values) - known)
    if unknown:
        raise ConfigError(
            Message(
                "config.unknown_setting", setting=repr(unknown[0]), known=", ".join(sorted(known))
            )
        )

    def dirs(key: str) -> tuple[Path, ...]:
        value = file_values.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(Message("config.dirs", key=key))
        paths = tuple((base / v).resolve() for v in value)
        for p in paths:
            if not p.is_dir():
                raise ConfigError(Message("config.not_folder", key=key, path=p))
        return paths

    language = _lang(
        env.get("INCIDENTBOT_LANG") or file_values.get("language", "en"), "INCIDENTBOT_LANG"
    )
    timezone = _zone(
        env.get("INCIDENTBOT_TZ") or file_values.get("timezone", "UTC"), "INCIDENTBOT_TZ"
    )
    try:
        ttl = float(file_values.get("link_ttl_hours", 24))
    except (TypeError, ValueError) as exc:
        raise ConfigError(Message("config.ttl_number")) from exc
    if ttl <= 0:
        raise ConfigError(Message("config.ttl_positive"))
    permissions = dict(DEFAULT_PERMISSIONS)
    for action, roles in (file_values.get("roles") or {}).items():
        if action not in DEFAULT_PERMISSIONS:
            raise ConfigError(
                Message(
                    "config.roles_action",
                    action=repr(action),
                    actions=", ".join(DEFAULT_PERMISSIONS),
                )
            )
        permissions[action] = tuple(roles)
    people: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for handle, entry in (file_values.get("people") or {}).items():
        if isinstance(entry, dict):
            unknown_keys = sorted(set(entry) - {"roles", "name"})
            roles, name = entry.get("roles", []), entry.get("name")
            if unknown_keys or not isinstance(roles, list) or not isinstance(name, str | None):
                raise ConfigError(Message("config.people_entry", handle=repr(str(handle))))
            if name and name.strip():
                names[str(handle)] = name.strip()
            entry = roles
        if not isinstance(entry, list) or not all(isinstance(r, str) for r in entry):
            raise ConfigError(Message("config.people_entry", handle=repr(str(handle))))
        if entry:
            people[str(handle)] = tuple(entry)
    public_url = (
        env.get("INCIDENTBOT_PUBLIC_URL")
        or file_values.get("public_url")
        or "http://localhost:3000"
    )
    if not public_url.startswith(("http://", "https://")):
        raise ConfigError(
            Message("config.url_scheme", setting="INCIDENTBOT_PUBLIC_URL", value=repr(public_url))
        )
    timestamp_url = file_values.get("timestamp_url") or None
    if timestamp_url is not None and not str(timestamp_url).startswith(("http://", "https://")):
        raise ConfigError(
            Message(
                "config.url_scheme",
                setting="INCIDENTBOT_CONFIG: timestamp_url",
                value=repr(timestamp_url),
            )
        )
    timestamp_ca = file_values.get("timestamp_ca")
    if timestamp_ca is not None:
        timestamp_ca = (base / str(timestamp_ca)).resolve()
        if not timestamp_ca.is_file():
            raise ConfigError(Message("config.timestamp_ca_missing", path=timestamp_ca))
    organization = {str(k): str(v) for k, v in (file_values.get("organization") or {}).items()}
    if organization.get("kind", ORGANIZATION_KINDS[0]) not in ORGANIZATION_KINDS:
        raise ConfigError(
            Message(
                "config.organization_kind",
                value=repr(organization["kind"]),
                kinds=", ".join(ORGANIZATION_KINDS),
            )
        )
    api_url = env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(
            Message("config.url_scheme", setting="SLACK_API_URL", value=repr(api_url))
        )
    return Settings(
        db_path=Path(env.get("INCIDENTBOT_DB") or file_values.get("db") or "incidentbot.db"),
        language=language,
        timezone=timezone,
        slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        slack_app_token=env.get("SLACK_APP_TOKEN") or None,
        slack_api_url=api_url,
        public_url=public_url.rstrip("/"),
        config_path=Path(config_path) if config_path else None,
        playbook_dirs=dirs("playbook_dirs"),
        template_dirs=dirs("template_dirs"),
        private_channels=bool(file_values.get("private_channels", False)),
        link_ttl_hours=ttl,
        link_secret=file_values.get("link_secret"),
        reminder_points=tuple(file_values.get("reminder_points", ("24h", "6h", "1h", "0h"))),
        organization=organization,
        permissions=permissions,
        people=people,
        names=names,
        enforce_roles=bool(people),
        timestamp_url=timestamp_url,
        timestamp_ca=timestamp_ca,
    )


def require(settings: Settings, *names: str) -> None:
    """Stop start-up with one line naming the first missing credential."""
    for name in names:
        attr = name.lower()
        if not getattr(settings, attr, None):
            raise ConfigError(Message("config.missing_credential", name=name))
    if "SLACK_BOT_TOKEN" in names and not (settings.slack_bot_token or "").startswith("xoxb-"):
        raise ConfigError(Message("config.bot_token"))
    if "SLACK_APP_TOKEN" in names and not (settings.slack_app_token or "").startswith("xapp-"):
        raise ConfigError(Message("config.app_token"))
