from django.urls import path

from jingjin.benchmark import views

app_name = "benchmark"

urlpatterns = [
    path("", views.compare, name="compare"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_statistics, name="import"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("groups/", views.groups, name="groups"),
]
