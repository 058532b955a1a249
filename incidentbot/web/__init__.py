"""The web front end: signed timeline pages, exports, the health check and Slack's endpoint."""

from incidentbot.web.app import AccessLogger, build_web_app

__all__ = ["AccessLogger", "build_web_app"]
