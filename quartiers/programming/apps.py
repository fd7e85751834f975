from django.apps import AppConfig


class ProgrammingConfig(AppConfig):
    name = "quartiers.programming"
    verbose_name = "Programmation"

    def ready(self):
        from quartiers.contracts import hooks as contracts
        from quartiers.programming import hooks
        from quartiers.territories import hooks as territories

        territories.register_qpv_links(hooks.qpv_links)
        contracts.register_contract_section(hooks.contract_programming)
