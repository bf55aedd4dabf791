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


# --- {% row_url %}: the template tag over reverser ---------------------------------------------


def _render(source: str, **context: Any) -> tuple[str, Any]:
    from django.template import engines

    try:
        return "page", engines["django"].from_string("{% load jingjin %}" + source).render(context)
    except NoReverseMatch:
        return "error", None


@pytest.mark.parametrize(
    ("viewname", "fixed"),
    [("plans:task", ("plan-a",)), ("reporting:report", ("2024-03",)), ("unit", ())],
)
def test_row_url_writes_what_url_writes(viewname: str, fixed: tuple[Any, ...]) -> None:
    """Each value as the row's argument, on a page of its own and all in one loop: the same
    text as ``{% url %}`` (escaped alike), or the same error."""
    args = " ".join(f"f{i}" for i in range(len(fixed)))
    names = {f"f{i}": value for i, value in enumerate(fixed)}
    for value in AWKWARD:
        assert _render(f"{{% row_url '{viewname}' {args} v %}}", v=value, **names) == _render(
            f"{{% url '{viewname}' {args} v %}}", v=value, **names
        ), value
    good = [v for v in AWKWARD if _reverse(viewname, *fixed, v)[0] == "url"]
    loop = "{% for v in values %}<a href=\"{% TAG '" + viewname + "' " + args + ' v %}">{% endfor %}'
    made = _render(loop.replace("TAG", "row_url"), values=good, **names)
    assert made == _render(loop.replace("TAG", "url"), values=good, **names)
    assert made[0] == "page" and made[1].count("<a href=") == len(good) >= 4


def test_row_url_reverses_once_per_render_and_fixed_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list of 200 tasks of two plans costs the reverser's three reversals per plan, not one
    per row; an argument that cannot be a key (a list) is reversed as ``{% url %}`` does."""
    from jingjin.core import reversing

    calls = []
    real = reversing.reverse

    def counted(viewname: str, args: Any = None, **kwargs: Any) -> str:
        calls.append(viewname)
        return real(viewname, args=args, **kwargs)

    monkeypatch.setattr(reversing, "reverse", counted)
    rows = [("plan-a" if i % 2 else "plan-b", f"A1.M1.T{i}") for i in range(200)]
    kind, page = _render("{% for p, c in rows %}{% row_url 'plans:task' p c %} {% endfor %}", rows=rows)
    assert kind == "page" and page.split() == [reverse("plans:task", args=list(r)) for r in rows]
    assert len(calls) == 6
    kind, page = _render("{% row_url 'unit' code %}", code=["a"])
    assert (kind, page) == _render("{% url 'unit' code %}", code=["a"])
