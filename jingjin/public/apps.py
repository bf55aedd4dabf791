from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "jingjin.public"
    label = "public"
    verbose_name = "Public page"
