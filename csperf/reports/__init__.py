"""Dashboards, printable cards (PDF), cycle summaries and pay sheets, drill-down to records."""
