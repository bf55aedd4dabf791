"""URLs of the admission pages (namespace ``admission``)."""

from django.urls import path

from jingjin.admission import views

app_name = "admission"

urlpatterns = [
    path("", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/<slug:step>/", views.application_step, name="application_step"),
    path("registers/<slug:kind>/", views.register, name="register"),
    path("registers/<slug:kind>/new/", views.register_edit, name="register_new"),
    path("registers/<slug:kind>/<int:pk>/", views.register_edit, name="register_edit"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
]
