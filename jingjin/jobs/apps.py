from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jingjin.jobs"
    label = "jobs"
    verbose_name = "Jobs"
