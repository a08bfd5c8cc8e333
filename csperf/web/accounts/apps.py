from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "csperf.web.accounts"
    label = "csperf_accounts"
    verbose_name = "csperf command-line logins"
