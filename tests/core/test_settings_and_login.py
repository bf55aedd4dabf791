"""Settings from the environment, the production profile's deploy check, login rate limiting, i18n."""

from __future__ import annotations

import base64
import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import jingjin

LOCALE = Path(jingjin.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def run_python(code: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "JINGJIN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_production_profile_passes_the_deploy_check(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='jingjin.settings'; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run_python(
        code,
        {
            "JINGJIN_PROFILE": "production",
            "SECRET_KEY": "x" * 64 + "-not-a-real-key-!@#",
            "JINGJIN_PERSONAL_DATA_KEY": base64.b64encode(b"k" * 32).decode(),
            "ALLOWED_HOSTS": "plan.example.gov.cn",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='jingjin.settings'; import django; django.setup()"
    result = run_python(code, {"JINGJIN_PROFILE": "production"}, tmp_path)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_settings_come_from_the_environment(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='jingjin.settings'; import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    result = run_python(
        code,
        {
            "DEBUG": "1",
            "ALLOWED_HOSTS": "a.test,b.test",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/jj",
        },
        tmp_path,
    )
    assert result.stdout.split() == ["True", "['a.test',", "'b.test']", "django.db.backends.postgresql", "jj"]
    default = run_python(code, {}, tmp_path)
    assert default.stdout.split() == [
        "False",
        "['127.0.0.1',",
        "'localhost']",
        "django.db.backends.sqlite3",
        str(tmp_path / "jingjin.sqlite3"),
    ]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # the generated key is private


@pytest.mark.django_db
def test_login_is_rate_limited(settings, users):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "reporter_a", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post("/accounts/login/", {"username": "reporter_a", "password": "correct-horse-battery"})
    assert locked.status_code == 429  # even the right password is refused while locked
    assert "_auth_user_id" not in client.session
    other = Client().post("/accounts/login/", {"username": "reporter_b", "password": "correct-horse-battery"})
    assert other.status_code == 302  # other accounts are not affected


def po_entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every entry of the Chinese catalogue."""
    return [(msgid, msgstr, fuzzy) for _context, msgid, msgstr, fuzzy in po_entries_with_context()]


def po_entries_with_context() -> list[tuple[str | None, str, str, bool]]:
    """(msgctxt or None, msgid, msgstr, fuzzy) of every entry of the Chinese catalogue."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n")[1:]:
        fuzzy = "#, fuzzy" in block
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        msgid = "".join(re.findall(r'"(.*)"', re.search(r'^msgid ((?:".*"\n?)+)', block, re.M).group(1)))
        found = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgstr = "".join(re.findall(r'"(.*)"', found.group(1))) if found else ""
        entries.append((context.group(1) if context else None, msgid, msgstr, fuzzy))
    return entries


def test_every_ui_string_has_a_chinese_translation():
    entries = po_entries()
    assert len(entries) > 150
    assert [m for m, s, fuzzy in entries if not s or fuzzy] == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for context, msgid, msgstr, _ in po_entries_with_context():
        msgid = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        expected = msgstr.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if context is not None:
            assert catalogue.pgettext(context, msgid) == expected, (context, msgid)
            continue
        assert catalogue.gettext(msgid) == expected or catalogue.ngettext(msgid, msgid, 1) == expected, msgid
