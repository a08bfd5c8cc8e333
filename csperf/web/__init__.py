"""The csperf web application: Django project (settings, URLs, base templates, static files)."""
