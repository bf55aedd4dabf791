from django.urls import path

from jingjin.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_issue, name="issue"),
    path("<str:code>/", views.item_detail, name="detail"),
    path("<str:code>/<slug:step>/", views.item_step, name="step"),
]
