from django.urls import path

from jingjin.notifications import views

app_name = "notifications"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("urge/", views.urge, name="urge"),
]
