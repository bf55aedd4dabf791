"""REST API of monitored households: ``/api/households`` (read).

Every signed-in user with a role reads. ``id_number`` (the head's) and the members' ``id_number``,
``phone``, ``bank_account`` and ``health`` are in full only for a case worker of the household's
county (:func:`jingjin.core.permissions.may_see_personal_data`), masked (``5109**********1234``)
for everyone else; each household a response shows in full is logged (who looked at whom).
Writes go through the pages (the identification procedure is a sequence of audited steps).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from jingjin.core.pagination import Pagination
from jingjin.rural import selectors, services
from jingjin.rural.choices import Relation
from jingjin.rural.models import Household, Member


class RuralMemberSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    relation = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    bank_account = serializers.CharField()
    health = serializers.CharField()
    labour_capacity = serializers.CharField()


class RuralHouseholdSerializer(serializers.ModelSerializer[Household]):
    village = serializers.CharField(source="village.code", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    id_number = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "code",
            "head_name",
            "village",
            "county",
            "former_poor",
            "channel",
            "monitoring_type",
            "state",
            "size",
            "net_income",
            "rigid_expenditure",
            "lead_date",
            "decided_on",
            "monitored_since",
            "eliminated_on",
            "overdue",
            "id_number",
            "members",
            "is_synthetic",
        ]
        read_only_fields = fields

    def _rows(self, household: Household) -> list[dict[str, Any]]:
        cache: dict[int, list[dict[str, Any]]] = self.context.setdefault("member_rows", {})
        if household.pk not in cache:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            members: list[Member] = list(household.members.all())
            full = selectors.shows_full(user, household)
            if full and members:
                services.access_record(user=user, household=household, via="api")
            rows = selectors.member_rows(members, full=full)
            for row, member in zip(rows, members, strict=True):
                row["is_head"] = member.relation == Relation.HEAD
            cache[household.pk] = rows
        return cache[household.pk]

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, household: Household) -> str:
        heads = [r for r in self._rows(household) if r["is_head"]]
        return str(heads[0]["id_number"]) if heads else ""

    @extend_schema_field(RuralMemberSerializer(many=True))
    def get_members(self, household: Household) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "is_head"} for r in self._rows(household)]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, household: Household) -> bool:
        return selectors.is_overdue(household)


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet[Household]):
    """Monitored households (防止返贫监测户) with their members; personal data masked by role."""

    serializer_class = RuralHouseholdSerializer
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return (
            Household.objects.restrict(self.request.user, "view")
            .select_related("village", "county")
            .prefetch_related("members")
            .order_by("code")
        )


def register(router: Any) -> None:
    router.register("households", HouseholdViewSet, basename="household")
