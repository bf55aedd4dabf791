from django.urls import path

from jingjin.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("rows/", views.job_rows, name="rows"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/result", views.job_result, name="result"),
    path("<int:pk>/retry/", views.job_retry, name="retry"),
]
