from django.urls import path

from jingjin.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
