from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "jingjin.documents"
    label = "documents"
    verbose_name = "Official documents"
