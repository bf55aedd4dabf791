from django.urls import path

from jingjin.documents import settings_views, views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_issue, name="issue"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/withdraw/", views.document_withdraw, name="withdraw"),
    path("<int:pk>/file.<str:fmt>", views.document_download, name="download"),
]
