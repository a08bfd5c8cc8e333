"""Core of the web application: audit trail, background jobs, action errors."""
