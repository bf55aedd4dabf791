from django.urls import path

from jingjin.assessment import office_views
from jingjin.assessment import scheme_views as views

app_name = "schemes"

urlpatterns = [
    path("", views.schemes, name="list"),
    path("<int:pk>/", views.scheme_detail, name="detail"),
    path("<int:pk>/preview/", views.scheme_preview, name="preview"),
    path("<int:pk>/publish/", views.scheme_publish, name="publish"),
    path("<int:pk>/revise/", views.scheme_revise, name="revise"),
    path("<int:pk>/lists/", views.scheme_lists, name="lists"),
    path("<int:pk>/race/", views.race_create, name="race_create"),
    path("races/<int:pk>/", views.race_detail, name="race"),
    path("races/<int:pk>/run/", views.race_run, name="race_run"),
    path("figures/", office_views.figures, name="figures"),
    path("figures/template/", office_views.figures_template, name="figures_template"),
    path("figures/import/", office_views.figures_import, name="figures_import"),
    path("pay/new/", office_views.pay_create, name="pay_create"),
    path("pay/<int:pk>/", views.pay_detail, name="pay"),
    path("pay/<int:pk>/edit/", office_views.pay_edit, name="pay_edit"),
    path("pay/<int:pk>/compute/", views.pay_compute, name="pay_compute"),
    path("pay/<int:pk>/export/", views.pay_export, name="pay_export"),
]
