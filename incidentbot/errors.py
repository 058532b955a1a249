"""One root error carrying the sentence a user sees.

Front ends catch :class:`IncidentbotError` only: Slack turns it into an ephemeral reply or a
modal field error, the web edge into a 4xx page, the shell into a red line and a non-zero exit.
Anything else that escapes is a bug and is logged with its traceback, never shown to a user.
"""

from __future__ import annotations

from incidentbot.i18n import Message, render


class IncidentbotError(Exception):
    """An error whose sentence is fit to show to the person who caused it.

    ``message`` is a :class:`~incidentbot.i18n.Message` from the catalogue, worded at the edge
    in the reader's language by :meth:`text`; code the catalogue does not cover yet passes an
    English string and its French as ``message_fr``. ``field`` names the modal input the error
    belongs to (Slack shows it under that field).
    """

    def __init__(
        self,
        message: str | Message,
        *,
        field: str | None = None,
        message_fr: str | None = None,
    ):
        super().__init__(message)
        self.sentence = message
        self.field = field
        self._message_fr = message_fr

    @property
    def message(self) -> str:
        """The sentence in English (logs, tests, callers that know no reader)."""
        return render(self.sentence, "en")

    @property
    def message_fr(self) -> str | None:
        """The sentence in French, if there is one."""
        if isinstance(self.sentence, Message):
            return self.sentence.render("fr")
        return self._message_fr

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (English when there is no French one)."""
        if isinstance(self.sentence, Message):
            return self.sentence.render(lang)
        if lang == "fr" and self._message_fr:
            return self._message_fr
        return self.sentence


class UsageError(IncidentbotError):
    """The command text does not follow the grammar; the message shows the right form."""


class NotFound(IncidentbotError):
    """An incident, step, draft or playbook that does not exist."""


class Refused(IncidentbotError):
    """A valid request that the incident's state or the user's role does not allow."""


class ConfigError(IncidentbotError):
    """A missing or malformed setting, playbook or template; the message names it."""


class StoreError(IncidentbotError):
    """The database is not ours, is newer than the code, or failed its integrity check."""
