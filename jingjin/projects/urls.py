from django.urls import include, path

from jingjin.projects import campaign_urls, report_urls, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("import/", views.project_import, name="import"),
    path("new/", views.project_create, name="create"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    # the monthly project reports (report_urls.py), before the project codes
    path("reports/", include(report_urls.urlpatterns)),
    # campaigns and networks (campaign_urls.py), before the project codes
    path("", include(campaign_urls.urlpatterns)),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/export.docx", views.project_docx, name="detail_docx"),
    path("<str:code>/edit/", views.project_edit, name="edit"),
    path("<str:code>/delete/", views.project_delete, name="delete"),
]
