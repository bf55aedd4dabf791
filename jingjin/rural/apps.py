from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuralConfig(AppConfig):
    name = "jingjin.rural"
    label = "rural"
    verbose_name = _("Rural revitalisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jingjin.rural import feeds

        feeds.register()  # the figures action 4's indicators may take their actuals from
