from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "jingjin.alerts"
    label = "alerts"
    verbose_name = "Early warnings"
