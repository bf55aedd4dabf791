"""Start Django for the commands that need the database."""

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingjin.settings")
    import django

    django.setup()
