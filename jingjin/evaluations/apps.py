from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "jingjin.evaluations"
    label = "evaluations"
    verbose_name = "Evaluations"
