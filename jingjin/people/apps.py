from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jingjin.people"
    label = "people"
    verbose_name = _("Talent and party building")

    def ready(self) -> None:
        from jingjin.people import feeds

        feeds.register_figures()
