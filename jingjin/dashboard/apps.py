from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "jingjin.dashboard"
    label = "dashboard"
    verbose_name = "Cockpit and bulletins"
