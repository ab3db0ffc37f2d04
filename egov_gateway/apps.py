from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgovGatewayConfig(AppConfig):
    name = "egov_gateway"
    verbose_name = _("E-government gateway")

    def ready(self) -> None:
        from egov_gateway import checks  # noqa: F401  (registers the deployment check)
