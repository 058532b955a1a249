"""The pure domain: no I/O, no clock, no environment (see tests/test_architecture.py).

Everything here takes the time as an argument (``now``) and returns frozen values, so the
same inputs always give the same result whichever front end (Slack, shell, web) asks.
"""
