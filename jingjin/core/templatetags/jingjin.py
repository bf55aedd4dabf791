import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def jsonvalue(value: Any) -> str:
    """A recorded value as a user reads it: text as is, lists joined, empty as —."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@register.filter
def number(value: Any) -> str:
    """A decimal without trailing zeros (57996.000000 → 57,996)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        text = f"{value:,.2f}"
    else:
        normal = value.normalize() if hasattr(value, "normalize") else value
        text = f"{normal:,f}" if hasattr(normal, "as_tuple") else f"{normal:,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def pct(value: Any) -> str:
    """A percentage with one decimal and its sign, or — when there is none."""
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value:+.1f}%"


@register.simple_tag
def audit_rows(entries: Any) -> list[Any]:
    """``{% audit_rows entries as rows %}``: a page of audit entries with field labels, choice
    labels, names and local times (:func:`jingjin.core.audit_display.describe`)."""
    from jingjin.core.audit_display import describe

    return describe(entries or [])


@register.filter
def localtime_text(value: Any) -> str:
    """An ISO time or a datetime in the local zone, ``YYYY-MM-DD HH:MM`` (— when empty)."""
    from jingjin.core.audit_display import local_time

    return local_time(value)


@register.filter
def tr(value: Any) -> str:
    """A message of a Django-free module (:class:`jingjin.i18n.Msg`) in the active language."""
    from jingjin.i18n import translated

    return translated(value)


@register.simple_tag(takes_context=True)
def row_url(context: Any, viewname: str, *args: Any) -> str:
    """``{% row_url 'plans:task' plan.code task.code %}``: ``{% url %}`` for a link in every row of
    a long list. The name is reversed once per template render for each value of the arguments
    before the last (:func:`jingjin.core.reversing.reverser`), and each row's URL is made from
    that: the URL ``{% url %}`` gives, or its error, at a fraction of the cost
    (``bench/bench_reverse.py``). Escaped as ``{% url %}``'s (autoescape)."""
    from django.urls import reverse

    from jingjin.core.reversing import reverser

    if not args:
        raise template.TemplateSyntaxError("row_url needs the URL's arguments, the row's last")
    made = context.render_context.setdefault("jingjin.row_url", {})
    key = (viewname, *args[:-1])
    try:
        each = made.get(key)
    except TypeError:  # an argument that cannot be a key: reversed as {% url %} does
        return reverse(viewname, args=list(args))
    if each is None:
        each = made[key] = reverser(viewname, *args[:-1])
    return str(each(args[-1]))
