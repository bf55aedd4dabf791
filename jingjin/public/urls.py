from django.urls import path

from jingjin.public import views

app_name = "public"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("<str:code>/", views.public_plan, name="plan"),
    path("<str:code>/settings/", views.public_settings, name="settings"),
]
