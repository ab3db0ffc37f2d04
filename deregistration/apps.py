from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeregistrationConfig(AppConfig):
    name = "deregistration"
    verbose_name = _("Deregistration")

    def ready(self) -> None:
        from deregistration import signals  # noqa: F401  (connects the receivers)
        from deregistration.tasks import send_tasks_for_run
        from egov_gateway.sync import state_changes_recorded

        # DER-2: a sync run that recorded change events starts their deregistration tasks.
        state_changes_recorded.connect(
            send_tasks_for_run, dispatch_uid="deregistration.send_tasks_for_run"
        )
