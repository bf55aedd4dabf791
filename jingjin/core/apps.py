from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jingjin.core"
    label = "core"
    verbose_name = "Core: units, roles and the audit trail"
