"""The use cases over the store, grouped by what users do, behind one facade.

:class:`IncidentService` (in :mod:`.facade`) is what the shell, Slack, the web pages and the
scheduler call; :func:`incidentbot.app.build_app` builds it with its collaborators. Every
timeline event is written by :mod:`.timeline`; every front end finds an incident through
:meth:`IncidentService.resolve` (:mod:`.access`).
"""

from incidentbot.service.access import Policy
from incidentbot.service.facade import IncidentService

__all__ = ["IncidentService", "Policy"]
