from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EgovGatewayConfig(AppConfig):
    name = "egov_gateway"
    verbose_name = _("E-government gateway")
