from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "jingjin.assessment"
    label = "assessment"
    verbose_name = "Red/black lists and assessment"
