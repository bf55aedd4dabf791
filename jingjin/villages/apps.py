from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "jingjin.villages"
    verbose_name = _("Villages")

    def ready(self) -> None:
        # the figures that feed action 4's plan indicators (自动取数)
        from jingjin.villages import feeds  # noqa: F401
