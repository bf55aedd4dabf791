from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "jingjin.plans"
    label = "plans"
    verbose_name = "Plans: actions, measures, tasks and indicators"
