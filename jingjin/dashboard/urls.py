from django.urls import path, re_path

from jingjin.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("tasks/", views.task_list, name="tasks"),
    re_path(
        r"^bulletin/(?P<period>\d{4}-\d{2})\.(?P<fmt>docx|xlsx|pdf)$",
        views.bulletin_download,
        name="bulletin",
    ),
]
