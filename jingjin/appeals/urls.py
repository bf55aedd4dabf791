from django.urls import path

from jingjin.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("file/<int:entry>/", views.file, name="file"),
    path("file/run/<int:run>/<str:unit>/", views.file_run, name="file_run"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
