from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quartiers.accounts"
    verbose_name = "Comptes"

    def ready(self):
        from quartiers.accounts.api_tokens import AccountsTokenBackend
        from quartiers.core import api

        api.register_token_backend(AccountsTokenBackend())
