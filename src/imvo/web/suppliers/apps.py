from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "imvo.web.suppliers"
    label = "suppliers"
    verbose_name = _("Supplier lists and facilities")

    def ready(self) -> None:
        from imvo.web.suppliers.jobs import work_kinds_register

        work_kinds_register()
