"""Edit pages of the park registers: a park's level, county, area, leading industries and
industries present (the fields the user may change), saved through the audited services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core.permissions import PermissionDenied, editable_fields
from jingjin.parks import services
from jingjin.parks.forms import ParkForm
from jingjin.parks.models import Park


@login_required
@require_http_methods(["GET", "POST"])
def park_edit(request: HttpRequest, code: str) -> HttpResponse:
    if "\x00" in code:
        raise Http404(code)
    park = (
        Park.objects.restrict(request.user, "view")
        .select_related("unit", "county")
        .prefetch_related("leading_industries", "industries")
        .filter(unit__code=code)
        .first()
    )
    if park is None:
        raise Http404(code)
    fields = editable_fields(request.user, park)
    if not fields:
        return render(request, "403.html", {"reason": _("You may not change this park.")}, status=403)
    initial = {
        "level": park.level,
        "county": park.county,
        "area_km2": park.area_km2,
        "leading_industries": list(park.leading_industries.all()),
        "industries": list(park.industries.all()),
    }
    form = ParkForm(request.POST or None, initial=initial, fields=fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_change(obj=park, actor=request.user, data=form.changes())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            return render(request, "403.html", {"reason": str(exc)}, status=403)
        else:
            messages.success(request, _("The park is saved."))
            return redirect("parks:park", code=park.unit.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "parks/park_edit.html", {"park": park, "form": form}, status=status)
