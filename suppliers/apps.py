from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self) -> None:
        # The receiver that forms Annex 1 after each change of a draft (issue 9, item 8).
        from suppliers import tasks  # noqa: F401
