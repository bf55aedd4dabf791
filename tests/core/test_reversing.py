"""``core.reversing.reverser``: every URL is the one ``django.urls.reverse`` gives, or its error."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, path, re_path, reverse, set_script_prefix

from jingjin.core.reversing import reverser


def _view(request: Any, **kwargs: Any) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


#: One name with three patterns: ``reverse`` tries the last defined first and takes the first
#: that accepts the value.
urlpatterns = [
    path("text/<str:x>/", _view, name="item"),
    path("slug/<slug:x>/", _view, name="item"),
    re_path(r"^only-letters/(?P<x>[a-z]+)/$", _view, name="item"),
    path("word/<str:x>/", _view, name="word"),
    re_path(r"^word-letters/(?P<x>[a-z]+)/$", _view, name="word"),
    path("code/<str:x>/", _view, name="code"),
    path("code-number/<int:x>/", _view, name="code"),
    path("number/<int:x>/", _view, name="number"),
    path("tail/<path:x>", _view, name="tail"),
    path("<str:x>/", _view, name="bare"),
]

AWKWARD: list[Any] = [
    "A1.M1.T1",
    "1.2.3",
    "abc",
    "ABC-1_2",
    "12",
    "任务一",
    "a b",
    "50%",
    "%41",
    "a?b#c",
    "~:@!$&'()*+,;=",
    "line\nbreak",
    " ",
    "",
    "a/b",
    "/",
    0,
    7,
    10**20,
    -1,
    True,
    1.5,
    None,
]


def _reverse(viewname: str, *args: Any) -> tuple[str, Any]:
    try:
        return "url", reverse(viewname, args=list(args))
    except NoReverseMatch:
        return "error", None


def _made(make: Any, value: Any) -> tuple[str, Any]:
    try:
        return "url", make(value)
    except NoReverseMatch:
        return "error", None


@pytest.mark.parametrize(
    ("viewname", "fixed"),
    [
        ("plans:task", ("plan-a",)),
        ("plans:tree_of", ()),
        ("reporting:report", ("2024-03",)),
        ("unit", ()),
    ],
)
def test_the_urls_of_the_project_are_those_of_reverse(viewname: str, fixed: tuple[Any, ...]) -> None:
    make = reverser(viewname, *fixed)
    for value in AWKWARD:
        assert _made(make, value) == _reverse(viewname, *fixed, value), value


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("viewname", ["item", "word", "code", "number", "tail", "bare"])
def test_a_name_with_several_patterns_gives_the_pattern_reverse_chooses(viewname: str) -> None:
    make = reverser(viewname)
    for value in AWKWARD:
        assert _made(make, value) == _reverse(viewname, value), value


def test_the_script_prefix_of_the_request_is_kept() -> None:
    set_script_prefix("/jingjin/")
    try:
        make = reverser("plans:task", "plan-a")
        assert make("A1.M1.T1") == reverse("plans:task", args=["plan-a", "A1.M1.T1"])
        assert make("A1.M1.T1").startswith("/jingjin/plan/plan-a/tasks/")
    finally:
        clear_script_prefix()
