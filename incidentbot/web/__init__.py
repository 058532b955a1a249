"""The web front end: signed timeline pages, exports, the health check and Slack's endpoint."""

from incidentbot.web.app import AccessLogger, create_web_app

__all__ = ["AccessLogger", "create_web_app"]
