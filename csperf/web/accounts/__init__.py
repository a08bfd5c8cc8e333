"""Command-line logins: ``csperf manage createsuperuser`` checks the password validators too.

Listed before ``django.contrib.auth`` in INSTALLED_APPS so that its command is the one found.
"""
