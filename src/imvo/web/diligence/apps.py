from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiligenceConfig(AppConfig):
    name = "imvo.web.diligence"
    label = "diligence"
    verbose_name = _("Due diligence")
