from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class AppealsConfig(AppConfig):
    name = "jingjin.appeals"
    label = "appeals"
    verbose_name = pgettext_lazy("appeal", "Appeals")
