from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeregistrationConfig(AppConfig):
    name = "deregistration"
    verbose_name = _("Deregistration")

    def ready(self) -> None:
        from deregistration import signals  # noqa: F401  (connects the receivers)
