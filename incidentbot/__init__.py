"""incidentbot: walk a political campaign through a personal-data incident from Slack."""

__version__ = "0.1.0"
