from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "jingjin.reporting"
    label = "reporting"
    verbose_name = "Monthly reporting"
