"""No template holds inline script: no <script> without src, no on…= event handler attributes.

A strict Content-Security-Policy (script-src 'self') blocks them; the behaviours they had live in
static files (``jingjin/core/static/jingjin/ui.js`` and each app's own scripts). Templates rendered
only to PDF or Word are not served to browsers and are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import jingjin

TEMPLATES = sorted(Path(jingjin.__file__).parent.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
NOT_SERVED = ("_pdf.html",)


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 40


def test_no_template_holds_inline_script_or_handlers() -> None:
    found = []
    for path in TEMPLATES:
        if path.name.endswith(NOT_SERVED):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(Path(jingjin.__file__).parent)}:{line}: {match.group(0)}")
    assert found == []


def test_the_behaviours_live_in_a_static_file(client, users) -> None:
    client.force_login(users["office"])
    html = client.get("/reports/?period=2024-03").content.decode()
    assert "/static/jingjin/ui.js" in html
    assert "data-autosubmit" in html  # the period picker submits through ui.js
