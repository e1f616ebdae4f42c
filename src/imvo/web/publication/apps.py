from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "imvo.web.publication"
    label = "publication"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from imvo.web.publication.jobs import work_kinds_register

        work_kinds_register()
