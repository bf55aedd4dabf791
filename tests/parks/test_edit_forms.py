"""The park edit page: the fields the user may change, saved through the audited services."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingjin.core.models import AuditEntry, Unit
from jingjin.parks.models import Industry, Park

pytestmark = pytest.mark.django_db


def test_the_office_edits_every_field_of_a_park_audited(client, users, park_world) -> None:
    client.force_login(users["office"])
    page = client.get("/parks/t.c.p/edit/").content.decode()
    assert 'name="level"' in page and 'name="leading_industries"' in page and "jj-filtered-select" in page
    before = AuditEntry.objects.count()
    response = client.post(
        "/parks/t.c.p/edit/",
        {
            "level": "national",
            "county": "t.c",
            "area_km2": "20.25",
            "leading_industries": ["LI"],
            "industries": ["LI.BAT", "EI"],
        },
    )
    assert response.status_code == 302 and response["Location"] == "/parks/t.c.p/"
    park = Park.objects.get(unit__code="t.c.p")
    assert (park.level, str(park.area_km2), park.county.code if park.county else None) == (
        "national",
        "20.25",
        "t.c",
    )
    assert sorted(i.code for i in park.leading_industries.all()) == ["LI"]
    assert sorted(i.code for i in park.industries.all()) == ["EI", "LI.BAT"]
    entry = AuditEntry.objects.order_by("pk").last()
    assert AuditEntry.objects.count() == before + 1 and entry is not None
    assert entry.before["level"] == "provincial" and entry.after["level"] == "national"
    assert entry.after["leading_industries"] == ["LI"]


def test_bad_input_names_the_field_and_writes_nothing(client, users, park_world) -> None:
    client.force_login(users["office"])
    before = AuditEntry.objects.count()
    response = client.post(
        "/parks/t.c.p/edit/", {"level": "galactic", "area_km2": "5", "leading_industries": ["NOPE"]}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"level", "leading_industries"}
    response = client.post("/parks/t.c.p/edit/", {"level": "city", "area_km2": "-1"})
    assert response.status_code == 400 and "area_km2" in response.context["form"].errors
    assert AuditEntry.objects.count() == before
    assert Park.objects.get(unit__code="t.c.p").level == "provincial"


def test_a_park_unit_user_changes_area_and_industries_only(client, make_user, users, park_world) -> None:
    user = make_user("park_p", "reporter", "t.c.p")
    client.force_login(user)
    page = client.get("/parks/t.c.p/edit/").content.decode()
    assert 'name="area_km2"' in page and 'name="industries"' in page and 'name="level"' not in page
    response = client.post(
        "/parks/t.c.p/edit/", {"area_km2": "13", "industries": ["EC"], "level": "national"}
    )
    assert response.status_code == 302
    park = Park.objects.get(unit__code="t.c.p")
    assert (str(park.area_km2), park.level, [i.code for i in park.industries.all()]) == (
        "13.00",
        "provincial",
        ["EC"],
    )
    assert client.get("/parks/t.q/edit/").status_code == 403
    assert 'data-testid="park-edit"' in client.get("/parks/t.c.p/").content.decode()
    client.force_login(users["leader"])
    assert client.get("/parks/t.c.p/edit/").status_code == 403
    assert 'data-testid="park-edit"' not in client.get("/parks/t.c.p/").content.decode()


def test_the_edit_page_queries_stay_flat(client, users, park_world) -> None:
    client.force_login(users["office"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/parks/t.c.p/edit/").status_code == 200
    li = Industry.objects.get(code="LI")
    Industry.objects.bulk_create(
        [Industry(code=f"X{n}", name_zh=f"示例{n}", name_en=f"X{n}", parent=li) for n in range(30)]
    )
    Unit.objects.create(
        code="t.c2", name_zh="示例县2", name_en="County 2", kind="county", parent=Unit.objects.get(code="t")
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/parks/t.c.p/edit/").status_code == 200
    assert len(many) == len(few)


def test_a_large_register_file_is_imported_by_a_job(
    client, users, park_world, settings, django_capture_on_commit_callbacks
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingjin.jobs.models import Job
    from jingjin.parks.models import Cluster

    from .conftest import csv_bytes

    settings.JINGJIN_IMPORT_JOB_BYTES = 50
    client.force_login(users["office"])
    header = ["集群代码", "集群名称", "英文名称", "产业代码", "年份", "目标产值(亿元)", "实际产值(亿元)"]
    good = csv_bytes([header, ["CL.J", "示例集群J", "Demo J", "LI", "2024", "100", "90"]])
    assert len(good) > 50
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/parks/import/clusters/", {"file": SimpleUploadedFile("c.csv", good)})
    assert answer.status_code == 302 and answer["Location"].startswith("/jobs/")
    job = Job.objects.get(kind="park-register-import")
    assert job.state == "done", job.error
    assert Cluster.objects.filter(code="CL.J").exists()
    bad = csv_bytes([header, ["CL.K", "示例集群K", "Demo K", "NOPE", "2024", "-5", ""]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/parks/import/clusters/", {"file": SimpleUploadedFile("c.csv", bad)})
    failed = Job.objects.filter(kind="park-register-import").latest("pk")
    assert failed.state == "failed" and "NOPE" in failed.error
    assert not Cluster.objects.filter(code="CL.K").exists()
