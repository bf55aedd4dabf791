from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "jingjin.projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from jingjin.projects import signals  # noqa: F401 - registers the handlers
