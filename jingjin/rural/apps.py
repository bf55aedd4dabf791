from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_income_lines(sender: Any, using: str = "default", apps: Any = None, **kwargs: Any) -> None:
    """After ``migrate`` (and ``flush``, which empties every table): the lines file's lines in the
    register where the register lacks them — 2021: 6,000, the one verified figure. A line the
    office recorded is never changed."""
    import yaml

    from jingjin.commands.rural import LINES_FILE

    try:
        line_model = (apps or sender.apps).get_model("rural", "IncomeLine")
    except LookupError:  # the register's migration has not run yet
        return
    data = yaml.safe_load(LINES_FILE.read_text(encoding="utf-8")) or {}
    for code, province in (data.get("provinces") or {}).items():
        for year, amount in (province.get("lines") or {}).items():
            line_model.objects.using(using).get_or_create(
                province=str(code),
                year=int(year),
                defaults={
                    "amount": amount,
                    "province_name": str(province.get("name", ""))[:32],
                    "source": "jingjin/data/rural_lines.yaml",
                },
            )


class RuralConfig(AppConfig):
    name = "jingjin.rural"
    label = "rural"
    verbose_name = _("Rural revitalisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jingjin.rural import feeds

        feeds.register()  # the figures action 4's indicators may take their actuals from
        post_migrate.connect(seed_income_lines, sender=self, dispatch_uid="rural-income-lines")
