from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "jingjin.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from jingjin.notifications import signals

        signals.connect()
