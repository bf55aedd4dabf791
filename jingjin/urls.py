from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from jingjin.admission import api as admission_api
from jingjin.alerts import api as alerts_api
from jingjin.appeals import api as appeals_api
from jingjin.assessment import api as assessment_api
from jingjin.assessment import scheme_api
from jingjin.core import api as core_api
from jingjin.core import token_api
from jingjin.core import views as core_views
from jingjin.dashboard import api as dashboard_api
from jingjin.documents import api as documents_api
from jingjin.documents import settings_api as documents_settings_api
from jingjin.ecology import air_api as ecology_air_api
from jingjin.ecology import api as ecology_api
from jingjin.ecology import water_api as ecology_water_api
from jingjin.evaluations import api as evaluations_api
from jingjin.jobs import api as jobs_api
from jingjin.land import api as land_api
from jingjin.notifications import api as notifications_api
from jingjin.parks import api as parks_api
from jingjin.parks import attraction_api
from jingjin.people import api as people_api
from jingjin.plans import api as plans_api
from jingjin.projects import api as projects_api
from jingjin.projects import campaign_api
from jingjin.projects import report_api as project_report_api
from jingjin.reporting import api as reporting_api
from jingjin.reporting import load_api as reporting_load_api
from jingjin.rural import api as rural_api
from jingjin.supervision import api as supervision_api
from jingjin.supervision import practice_api as supervision_practice_api
from jingjin.villages import api as villages_api

router = DefaultRouter(trailing_slash=False)
router.register("units", core_api.UnitViewSet, basename="unit")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("actions", plans_api.ActionViewSet, basename="action")
router.register("measures", plans_api.MeasureViewSet, basename="measure")
router.register("tasks", plans_api.TaskViewSet, basename="task")
router.register("indicators", plans_api.IndicatorViewSet, basename="indicator")
router.register("audit", core_api.AuditEntryViewSet, basename="audit")
reporting_api.register(router)
supervision_api.register(router)
supervision_practice_api.register(router)  # issue 20, supervise
assessment_api.register(router)
dashboard_api.register(router)
alerts_api.register(router)
jobs_api.register(router)
evaluations_api.register(router)
notifications_api.register(router)
projects_api.register(router)
project_report_api.register(router)
campaign_api.register(router)  # issue 12, projdemo
parks_api.register(router)
ecology_api.register(router)
ecology_air_api.register(router)
ecology_water_api.register(router)
attraction_api.register(router)  # issue 13, parksattr
villages_api.register(router)  # issue 15, villages
admission_api.register(router)  # issue 14, admission
documents_api.register(router)  # issue 20, documents
people_api.register(router)  # issue 17, people
land_api.register(router)  # issue 14, landeval
rural_api.register(router)  # issue 15, ruralhh
scheme_api.register(router)  # issue 17, schemes
appeals_api.register(router)  # issue 20, appeals
reporting_load_api.register(router)  # issue 20, burden
documents_settings_api.register(router)  # issue 20, burden

urlpatterns = [
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path(
        "api/docs", login_required(SpectacularSwaggerSplitView.as_view(url_name="openapi")), name="api-docs"
    ),
    path("api/auth/token", token_api.TokenView.as_view(), name="api-token"),
    path("api/auth/token/rotate", token_api.TokenRotateView.as_view(), name="api-token-rotate"),
    path("api/", include(router.urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", core_views.logout_view, name="logout"),
    path("units/", core_views.unit_list, name="units"),
    path("units/<str:code>/", core_views.unit_detail, name="unit"),
    path("audit/", core_views.audit_list, name="audit"),
    path("benchmark/", include("jingjin.benchmark.urls")),
    path("reports/", include("jingjin.reporting.urls")),
    path("supervision/", include("jingjin.supervision.urls")),
    path("lists/", include("jingjin.assessment.urls")),
    path("cockpit/", include("jingjin.dashboard.urls")),
    path("warnings/", include("jingjin.alerts.urls")),
    path("jobs/", include("jingjin.jobs.urls")),
    path("evaluations/", include("jingjin.evaluations.urls")),
    path("notifications/", include("jingjin.notifications.urls")),
    path("projects/", include("jingjin.projects.urls")),
    path("parks/", include("jingjin.parks.urls")),
    path("ecology/", include("jingjin.ecology.urls")),
    path("villages/", include("jingjin.villages.urls")),
    path("admission/", include("jingjin.admission.urls")),
    path("documents/", include("jingjin.documents.urls")),  # issue 20, documents
    path("public/", include("jingjin.public.urls")),  # issue 20, the public page (no sign-in)
    path("people/", include("jingjin.people.urls")),
    path("land/", include("jingjin.land.urls")),
    path("rural/", include("jingjin.rural.urls")),
    path("schemes/", include("jingjin.assessment.scheme_urls")),
    path("appeals/", include("jingjin.appeals.urls")),  # issue 20, appeals
    path("", include("jingjin.plans.urls")),
]

handler403 = "jingjin.core.views.forbidden"
handler400 = "jingjin.core.views.bad_request"
handler404 = "jingjin.core.views.not_found"
