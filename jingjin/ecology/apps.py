from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcologyConfig(AppConfig):
    name = "jingjin.ecology"
    verbose_name = _("Ecology")
