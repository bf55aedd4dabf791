"""The suite lists WhiteNoise's static files once per worker (``tests/conftest.py``,
``_static_files_listed_once``): a middleware made after the first gets the same files with the same
headers as one that lists them itself, and a change of WhiteNoise's settings lists them again."""

from __future__ import annotations

from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware


def _listed_by_whitenoise() -> WhiteNoiseMiddleware:
    """A middleware whose files WhiteNoise itself listed (the suite's shortcut bypassed)."""
    middleware = WhiteNoiseMiddleware.__new__(WhiteNoiseMiddleware)
    add_files = WhiteNoiseMiddleware.add_files_from_finders
    WhiteNoiseMiddleware.add_files_from_finders = add_files.__wrapped__  # type: ignore[attr-defined]
    try:
        middleware.__init__(lambda request: None)  # type: ignore[misc]
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = add_files  # type: ignore[method-assign]
    return middleware


def _answers(middleware: WhiteNoiseMiddleware) -> dict[str, list[tuple[str, str]]]:
    return {url: sorted(found.get_response("GET", {}).headers) for url, found in middleware.files.items()}


def test_a_later_middleware_serves_the_same_files_with_the_same_headers() -> None:
    WhiteNoiseMiddleware(lambda request: None)  # the worker's listing, if not made yet
    later = WhiteNoiseMiddleware(lambda request: None)
    own = _listed_by_whitenoise()
    assert len(own.files) > 50
    assert any(url.startswith("/static/vendor/htmx/") for url in own.files)
    assert _answers(later) == _answers(own)


def test_other_settings_list_the_files_again(settings: Any) -> None:
    before = WhiteNoiseMiddleware(lambda request: None)
    settings.WHITENOISE_MAX_AGE = 12345
    after = WhiteNoiseMiddleware(lambda request: None)
    url = next(iter(after.files))
    assert dict(before.files[url].get_response("GET", {}).headers)["Cache-Control"] != "max-age=12345, public"
    assert dict(after.files[url].get_response("GET", {}).headers)["Cache-Control"] == "max-age=12345, public"
    assert _answers(after) == _answers(_listed_by_whitenoise())


def test_a_static_file_is_served_through_the_client(client: Any) -> None:
    url = next(u for u in WhiteNoiseMiddleware(lambda request: None).files if u.endswith("htmx.min.js"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)
