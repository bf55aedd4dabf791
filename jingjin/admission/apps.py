from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionConfig(AppConfig):
    name = "jingjin.admission"
    label = "admission"
    verbose_name = _("Project admission and quotas")
