"""A strict Content-Security-Policy on every response, in every profile (issue 18, finding 11).

Every URL pattern of the URL conf is requested as the plan office (its parameters filled from the
test plan), and so are the sign-in page, an error page and the API; each response carries the
policy. The served templates hold no inline style either (the policy's style-src has no
'unsafe-inline')."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import jingjin

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

#: values for the URL parameters, from the test plan (tests/conftest.py)
ARGS = {
    "plan_code": "test-plan",
    "code": "A1.M1.T1",
    "period": "2024-03",
    "fmt": "xlsx",
    "unit_code": "t.a",
    "pk": "1",
}


def _directives(header: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def assert_strict(response: Any) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.status_code} without a Content-Security-Policy"
    directives = _directives(header)
    for name, value in POLICY.items():
        assert directives.get(name) == value, (name, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


def _patterns(resolver: Any = None, prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, route))
        elif isinstance(entry, URLPattern):
            found.append((route, entry))
    return found


def _path(route: str) -> str | None:
    """A concrete path for a route (``<slug:plan_code>`` → test-plan; a regex route's groups too)."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\\\.\(\?P<format>[^)]*\)/\?", "", route)  # DRF's format suffixes: left out
    route = route.replace("\\.", ".")
    named = r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)"  # a named group, with groups of its own one deep
    path = re.sub(named, lambda m: ARGS.get(m.group(1), "1"), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ARGS.get(m.group(1), "1"), path)
    if any(c in path for c in "()[]?*+\\"):
        return None  # a pattern this walk cannot fill
    return "/" + path


@pytest.mark.first_database_only(
    "the subject is the policy header of every page; every route runs on PostgreSQL in the "
    "permission matrix (tests/core/test_permission_matrix.py)"
)
def test_every_url_pattern_answers_with_the_policy(client: Any, users: Any) -> None:
    client.force_login(users["office"])
    routes = [route for route, _ in _patterns()]
    assert [r for r in routes if _path(r) is None] == []  # a new kind of pattern: teach _path
    paths = sorted({p for r in routes if (p := _path(r)) is not None})
    assert len(paths) > 100
    seen = 0
    pages = 0
    for path in paths:
        response = client.get(path)
        assert_strict(response)
        seen += 1
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert_no_inline_code(path, response.content.decode())
            pages += 1
    assert seen == len(paths) and pages > 25


def assert_no_inline_code(path: str, html: str) -> None:
    """The page's only script elements without ``src`` are JSON data (``json_script``), and no
    element has a style attribute or a handler attribute."""
    for tag in re.findall(r"<script\b[^>]*>", html, re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
    assert not re.search(r"<style\b", html, re.IGNORECASE), path
    assert not re.search(r"""<[a-z][^>]*\s(style|on[a-z]+)\s*=""", html, re.IGNORECASE), path


def test_sign_in_errors_and_the_api_docs_carry_the_policy(client: Any, users: Any) -> None:
    assert_strict(client.get("/accounts/login/"))
    assert_strict(client.get("/no-such-page/"))
    client.force_login(users["office"])
    assert_strict(client.get("/api/tasks"))
    docs = client.get("/api/docs")
    assert_strict(docs)
    html = docs.content.decode()
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    script = client.get("/api/docs?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


TEMPLATES = sorted(Path(jingjin.__file__).parent.rglob("templates/**/*.html"))


def test_no_served_template_holds_inline_style() -> None:
    found = []
    for path in TEMPLATES:
        if path.name.endswith("_pdf.html"):
            continue  # printed to PDF by WeasyPrint, never served to a browser
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"""<style\b|\sstyle\s*=\s*["']""", text, re.IGNORECASE):
            found.append(f"{path.name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}")
    assert found == []


@pytest.mark.parametrize("profile", ["default", "production"])
def test_the_policy_is_set_in_every_profile(profile: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(JINGJIN_PROFILE=profile, SECRET_KEY="x" * 60, JINGJIN_DATA_DIR=str(tmp_path))
    env["JINGJIN_PERSONAL_DATA_KEY"] = base64.b64encode(b"k" * 32).decode()  # production needs one
    code = (
        "from django.conf import settings; import django; django.setup();"
        "print('csp.middleware.CSPMiddleware' in settings.MIDDLEWARE,"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "jingjin.settings"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True [\"'self'\"]"


STATIC_SCRIPTS = sorted(
    p for p in Path(jingjin.__file__).parent.rglob("static/**/*.js") if "vendor" not in p.parts
)


def test_our_scripts_build_no_html_from_data() -> None:
    """The static scripts set texts, never HTML (innerHTML and friends, eval), and every chart
    tooltip is drawn as canvas text (the scripts' ``tooltip()`` helper, ``renderMode: "richText"``):
    names come from users."""
    assert len(STATIC_SCRIPTS) >= 3
    sinks = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    for path in STATIC_SCRIPTS:
        text = path.read_text(encoding="utf-8")
        assert not sinks.search(text), path
        assert not re.search(r"\btooltip:\s*\{", text), f"{path.name}: a tooltip without tooltip()"
        if "tooltip:" in text:
            assert 'renderMode: "richText"' in text, path
