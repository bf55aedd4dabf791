"""REST API of monitored households: ``/api/households`` (read) and the monitoring lines
``/api/income-lines`` (read; the rural bureau and the plan office record a line by POST).

``/api/households`` filters by ``county`` (a unit code), ``state``, and ``approved``
(``identification`` or ``elimination``: the households the county approved by that procedure,
as its announcement lists them) between ``approved_from`` and ``approved_to`` (both included).

Every signed-in user with a role reads. ``id_number`` (the head's) and the members' ``id_number``,
``phone``, ``bank_account`` and ``health`` are in full only for a case worker of the household's
county (:func:`jingjin.core.permissions.may_see_personal_data`), masked (``5109**********1234``)
for everyone else; each household a response shows in full is logged (who looked at whom).
Each household shows its procedures' ``steps``, ``risks``, assistance ``measures`` and
``incomes`` (net income of the 12 months ending with each month) as its page does.

The county's case workers write through the same audited services as the household's page:

- ``POST /api/households/<code>/steps`` records the next step of the identification or of the
  elimination procedure (or stops the elimination): the order, the notice of at least 5 days, the
  elimination rule on the day of the county approval;
- ``POST /api/households/<code>/members`` adds a member (the ID number, phone, bank account and
  health checked as on the page, stored encrypted, never echoed in an error);
- ``POST /api/households/<code>/risks`` adds a risk factor;
- ``POST /api/households/<code>/measures`` adds an assistance measure, with a payment from the
  county's fund pool of ``pool_year`` if any (it must fit the pool's balance);
- ``POST /api/households/<code>/incomes`` records (or corrects) the net income of the 12 months
  ending with ``month``; the latest one is the household's net income.

Each answers 201 with the household, or 400 naming the field, and writes nothing on a refusal.

Each member, risk, measure and income record shows its ``id``. The same case workers correct one
(``PATCH /api/households/<code>/<members|risks|measures|incomes>/<id>``: the fields given change,
the others stay; an income record's month stays) or remove one entered by mistake
(``POST …/<id>/remove`` with the ``reason``), as the record's edit page does: 200 with the
household.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import UnitCodeField
from jingjin.core.pagination import Pagination
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    has_role,
    may_manage_income_lines,
    may_work_on_household,
)
from jingjin.engines.rural import SECURE_COLUMNS
from jingjin.rural import selectors, services
from jingjin.rural.choices import (
    STEP_ORDER,
    HouseholdState,
    LabourCapacity,
    MeasureKind,
    Relation,
    RiskKind,
    Step,
)
from jingjin.rural.elimination import elimination_step_record, elimination_stop, household_eliminate
from jingjin.rural.models import (
    AssistanceMeasure,
    FundPool,
    Household,
    IdentificationStep,
    IncomeLine,
    IncomeRecord,
    Member,
    RiskFactor,
)


class RuralMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="to correct or remove the member")
    name = serializers.CharField()
    relation = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    bank_account = serializers.CharField()
    health = serializers.CharField()
    labour_capacity = serializers.CharField()


class HouseholdStepSerializer(serializers.ModelSerializer[IdentificationStep]):
    class Meta:
        model = IdentificationStep
        fields = ["step", "done_on", "notice_end", "note"]
        read_only_fields = fields


class HouseholdStepInputSerializer(serializers.Serializer[Any]):
    """A step to record: any of the procedures' but the lead, which opens the file."""

    step = serializers.ChoiceField(choices=[(s.value, s.label) for s in Step if s != Step.LEAD])
    done_on = serializers.DateField()
    notice_end = serializers.DateField(required=False, allow_null=True, help_text="village notices only")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class HouseholdMemberInputSerializer(serializers.Serializer[Any]):
    """A member to add; the personal data are checked by the service (errors name the field,
    never the value) and stored encrypted."""

    name = serializers.CharField(max_length=64)
    relation = serializers.ChoiceField(choices=Relation.choices, required=False, default=Relation.OTHER)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    bank_account = serializers.CharField(required=False, allow_blank=True, max_length=30)
    health = serializers.CharField(required=False, allow_blank=True, max_length=200)
    labour_capacity = serializers.ChoiceField(
        choices=LabourCapacity.choices, required=False, default=LabourCapacity.ABLE
    )


class HouseholdRiskSerializer(serializers.ModelSerializer[RiskFactor]):
    class Meta:
        model = RiskFactor
        fields = ["id", "kind", "note"]
        read_only_fields = fields


class HouseholdRiskInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class HouseholdMeasureSerializer(serializers.ModelSerializer[AssistanceMeasure]):
    pool_year = serializers.IntegerField(source="pool.year", read_only=True, allow_null=True)

    class Meta:
        model = AssistanceMeasure
        fields = ["id", "kind", "description", "started_on", "pool_year", "paid"]
        read_only_fields = fields


class HouseholdMeasureInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    description = serializers.CharField(max_length=500)
    started_on = serializers.DateField()
    pool_year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1900,
        max_value=2999,
        help_text="the county's fund pool of that year",
    )
    paid = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), required=False, help_text="yuan, from the pool"
    )


class HouseholdIncomeSerializer(serializers.ModelSerializer[IncomeRecord]):
    class Meta:
        model = IncomeRecord
        fields = ["id", "month", "net_income"]
        read_only_fields = fields


class HouseholdIncomeInputSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="the last month of the 12 (any day of it)")
    net_income = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))


class HouseholdIncomeCorrectionSerializer(serializers.Serializer[Any]):
    """A correction of an income record: its figure (its month stays)."""

    net_income = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))


class RecordRemovalSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, help_text="why the record was entered by mistake")


class RuralHouseholdSerializer(serializers.ModelSerializer[Household]):
    village = serializers.CharField(source="village.code", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    previous = serializers.CharField(source="previous.code", read_only=True, allow_null=True)
    id_number = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    steps = HouseholdStepSerializer(many=True, read_only=True)
    risks = HouseholdRiskSerializer(many=True, read_only=True)
    measures = HouseholdMeasureSerializer(many=True, read_only=True)
    incomes = HouseholdIncomeSerializer(many=True, read_only=True)

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
            *SECURE_COLUMNS,
            "lead_date",
            "decided_on",
            "monitored_since",
            "eliminated_on",
            "previous",
            "overdue",
            "id_number",
            "members",
            "steps",
            "risks",
            "measures",
            "incomes",
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
                row["id"], row["is_head"] = member.pk, member.relation == Relation.HEAD
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


class HouseholdQuerySerializer(serializers.Serializer[Any]):
    """The filters of ``/api/households`` (query parameters)."""

    county = UnitCodeField(required=False, help_text="the households of this county (unit code)")
    state = serializers.ChoiceField(choices=HouseholdState.choices, required=False)
    approved = serializers.ChoiceField(
        choices=list(selectors.ANNOUNCED),
        required=False,
        help_text="the households the county approved by this procedure (its announcement's list), "
        "by township, village and day",
    )
    approved_from = serializers.DateField(required=False, help_text="first day of the approval (included)")
    approved_to = serializers.DateField(required=False, help_text="last day of the approval (included)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("approved_from" in attrs or "approved_to" in attrs) and "approved" not in attrs:
            raise serializers.ValidationError(
                {"approved": "give the procedure (identification or elimination) with the days"}
            )
        first, last = attrs.get("approved_from"), attrs.get("approved_to")
        if first is not None and last is not None and last < first:
            raise serializers.ValidationError({"approved_to": "is before approved_from"})
        return attrs


class HouseholdWritePermission(SignedInPermission):
    """Reading: the one rule's ``view``; a step, member, risk, measure or income: the case workers
    of the household's county."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_work_on_household(user, obj)


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet[Household]):
    """Monitored households (防止返贫监测户) with their members; personal data masked by role."""

    serializer_class = RuralHouseholdSerializer
    permission_classes = [HouseholdWritePermission]
    pagination_class = Pagination
    lookup_field = "code"

    def get_queryset(self) -> Any:
        rows = (
            Household.objects.restrict(self.request.user, "view")
            .select_related("village", "county", "previous")
            .prefetch_related("members", "steps", "risks", "measures__pool", "incomes")
        )
        if self.action != "list":
            return rows.order_by("code")
        query = HouseholdQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        if "county" in wanted:
            rows = rows.filter(county=wanted["county"])
        if "state" in wanted:
            rows = rows.filter(state=wanted["state"])
        if "approved" in wanted:
            return selectors.approved_in(
                rows, wanted["approved"], wanted.get("approved_from"), wanted.get("approved_to")
            )
        return rows.order_by("code")

    @extend_schema(parameters=[HouseholdQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _write(self, request: Request, body: type[serializers.Serializer[Any]], write: Any) -> Response:
        """Check ``body``, then ``write(household, data)`` through a service: 201 with the household,
        403 unless a case worker of its county, 400 naming the field (nothing written)."""
        household = self.get_object()  # 403 unless a case worker of its county
        checked = body(data=request.data)
        checked.is_valid(raise_exception=True)
        return self._answer(
            household, lambda: write(household, checked.validated_data), status.HTTP_201_CREATED
        )

    def _answer(self, household: Household, write: Any, code: int) -> Response:
        """``write()`` through a service, then the household (``code``); the service's refusals as
        403 or 400 naming the field."""
        try:
            write()
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(_errors(exc)) from exc
        fresh = self.get_queryset().get(pk=household.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _record(self, related: str, item: str) -> tuple[Household, Any]:
        """The household and its ``related`` record ``item``: 403 unless a case worker of the
        household's county, 404 for a record of another household."""
        household = self.get_object()  # 403 unless a case worker of its county
        record = getattr(household, related).filter(pk=int(item)).first()
        if record is None:
            raise exceptions.NotFound(_("The household has no such record."))
        return household, record

    def _correct(self, request: Request, related: str, item: str, body: Any, correct: Any) -> Response:
        """``correct(record, data)`` with the fields ``body`` reads from the request (the others
        kept): 200 with the household, or 400 naming the field with nothing written."""
        household, record = self._record(related, item)
        checked = body(data=request.data, partial=True)
        checked.is_valid(raise_exception=True)
        return self._answer(household, lambda: correct(record, checked.validated_data), status.HTTP_200_OK)

    @extend_schema(request=HouseholdStepInputSerializer, responses={201: RuralHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, code: str | None = None) -> Response:
        """Record the household's next step (201: the household with its steps)."""

        def write(household: Household, data: dict[str, Any]) -> None:
            step, day, note = data["step"], data["done_on"], data.get("note", "")
            if step == Step.ELIMINATION_APPROVAL:
                household_eliminate(actor=request.user, household=household, on=day, note=note, source="api")
            elif step == Step.ELIMINATION_STOPPED:
                elimination_stop(actor=request.user, household=household, on=day, note=note, source="api")
            else:  # a step of the identification, or of the elimination before its approval
                record = services.step_record if step in STEP_ORDER else elimination_step_record
                record(
                    actor=request.user,
                    household=household,
                    step=step,
                    done_on=day,
                    notice_end=data.get("notice_end"),
                    note=note,
                    source="api",
                )

        return self._write(request, HouseholdStepInputSerializer, write)

    @extend_schema(request=HouseholdMemberInputSerializer, responses={201: RuralHouseholdSerializer})
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request: Request, code: str | None = None) -> Response:
        """Add a member (201: the household with its members, in full for the county's case workers)."""

        def write(household: Household, data: dict[str, Any]) -> None:
            services.member_add(actor=request.user, household=household, **data, source="api")

        return self._write(request, HouseholdMemberInputSerializer, write)

    @extend_schema(request=HouseholdRiskInputSerializer, responses={201: RuralHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def risks(self, request: Request, code: str | None = None) -> Response:
        """Add a risk factor (201: the household with its risks)."""

        def write(household: Household, data: dict[str, Any]) -> None:
            services.risk_add(
                actor=request.user,
                household=household,
                kind=data["kind"],
                note=data.get("note", ""),
                source="api",
            )

        return self._write(request, HouseholdRiskInputSerializer, write)

    @extend_schema(request=HouseholdMeasureInputSerializer, responses={201: RuralHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def measures(self, request: Request, code: str | None = None) -> Response:
        """Add an assistance measure, paid from the county's fund pool of ``pool_year`` if any."""

        def write(household: Household, data: dict[str, Any]) -> None:
            pool = _pool(household, data.get("pool_year"))
            services.measure_add(
                actor=request.user,
                household=household,
                kind=data["kind"],
                description=data["description"],
                started_on=data["started_on"],
                pool=pool,
                paid=data.get("paid") or Decimal(0),
                source="api",
            )

        return self._write(request, HouseholdMeasureInputSerializer, write)

    @extend_schema(request=HouseholdIncomeInputSerializer, responses={201: RuralHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def incomes(self, request: Request, code: str | None = None) -> Response:
        """Record (or correct) the net income of the 12 months ending with ``month``."""

        def write(household: Household, data: dict[str, Any]) -> None:
            services.income_record(
                actor=request.user,
                household=household,
                month=data["month"],
                net_income=data["net_income"],
                source="api",
            )

        return self._write(request, HouseholdIncomeInputSerializer, write)

    @extend_schema(request=HouseholdMemberInputSerializer, responses=RuralHouseholdSerializer)
    @action(detail=True, methods=["patch"], url_path=r"members/(?P<item>[0-9]{1,18})", url_name="member")
    def member(self, request: Request, code: str | None = None, item: str = "") -> Response:
        """Correct a member: the fields given (the personal data checked as when added)."""

        def correct(member: Member, data: dict[str, Any]) -> None:
            kept = selectors.member_values(member)
            services.member_update(actor=request.user, member=member, **(kept | data), source="api")

        return self._correct(request, "members", item, HouseholdMemberInputSerializer, correct)

    @extend_schema(request=HouseholdRiskInputSerializer, responses=RuralHouseholdSerializer)
    @action(detail=True, methods=["patch"], url_path=r"risks/(?P<item>[0-9]{1,18})", url_name="risk")
    def risk(self, request: Request, code: str | None = None, item: str = "") -> Response:
        """Correct a risk factor."""

        def correct(risk: RiskFactor, data: dict[str, Any]) -> None:
            kind, note = data.get("kind", risk.kind), data.get("note", risk.note)
            services.risk_update(actor=request.user, risk=risk, kind=kind, note=note, source="api")

        return self._correct(request, "risks", item, HouseholdRiskInputSerializer, correct)

    @extend_schema(request=HouseholdMeasureInputSerializer, responses=RuralHouseholdSerializer)
    @action(detail=True, methods=["patch"], url_path=r"measures/(?P<item>[0-9]{1,18})", url_name="measure")
    def measure(self, request: Request, code: str | None = None, item: str = "") -> Response:
        """Correct an assistance measure: a payment must fit the pool's balance without the
        measure's own; ``pool_year`` null takes the measure off any pool."""

        def correct(measure: AssistanceMeasure, data: dict[str, Any]) -> None:
            pool = measure.pool
            if "pool_year" in data:
                pool = _pool(measure.household, data["pool_year"])
            services.measure_update(
                actor=request.user,
                measure=measure,
                kind=data.get("kind", measure.kind),
                description=data.get("description", measure.description),
                started_on=data.get("started_on", measure.started_on),
                pool=pool,
                paid=data.get("paid", measure.paid) or Decimal(0),
                source="api",
            )

        return self._correct(request, "measures", item, HouseholdMeasureInputSerializer, correct)

    @extend_schema(request=HouseholdIncomeCorrectionSerializer, responses=RuralHouseholdSerializer)
    @action(detail=True, methods=["patch"], url_path=r"incomes/(?P<item>[0-9]{1,18})", url_name="income")
    def income(self, request: Request, code: str | None = None, item: str = "") -> Response:
        """Correct an income record's figure (its month stays; the latest month's figure is the
        household's net income)."""

        def correct(income: IncomeRecord, data: dict[str, Any]) -> None:
            if "net_income" not in data:  # nothing to correct
                return
            services.income_record(
                actor=request.user,
                household=income.household,
                month=income.month,
                net_income=data["net_income"],
                source="api",
            )

        return self._correct(request, "incomes", item, HouseholdIncomeCorrectionSerializer, correct)

    @extend_schema(request=RecordRemovalSerializer, responses={200: RuralHouseholdSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"(?P<kind>(?:members|risks|measures|incomes))/(?P<item>[0-9]{1,18})/remove",
        url_name="remove-record",
    )
    def remove_record(
        self, request: Request, code: str | None = None, kind: str = "", item: str = ""
    ) -> Response:
        """Remove a member, risk factor, measure or income record entered by mistake, with the
        reason (audited with the record's last values): a monitored household keeps at least one
        member; a measure's payment goes back to its pool; without the latest income record the
        latest remaining one's figure is the household's net income. 200 with the household."""
        household, record = self._record(kind, item)
        removal = RecordRemovalSerializer(data=request.data)
        removal.is_valid(raise_exception=True)
        remove = REMOVALS[kind]
        reason = removal.validated_data["reason"]
        return self._answer(household, lambda: remove(request.user, record, reason), status.HTTP_200_OK)


#: How each kind of record is removed (the service the record's edit page uses).
REMOVALS: dict[str, Any] = {
    "members": lambda user, r, reason: services.member_remove(
        actor=user, member=r, reason=reason, source="api"
    ),
    "risks": lambda user, r, reason: services.risk_remove(actor=user, risk=r, reason=reason, source="api"),
    "measures": lambda user, r, reason: services.measure_remove(
        actor=user, measure=r, reason=reason, source="api"
    ),
    "incomes": lambda user, r, reason: services.income_remove(
        actor=user, income=r, reason=reason, source="api"
    ),
}


def _pool(household: Household, year: int | None) -> FundPool | None:
    """The county's fund pool of ``year`` (None for no year); a year without a pool is refused."""
    if year is None:
        return None
    pool = FundPool.objects.filter(county_id=household.county_id, year=year).first()
    if pool is None:
        raise DjangoValidationError({"pool": _("The county has no fund pool for that year.")})
    return pool


#: The services' field names that the API's bodies name otherwise.
_RENAMED: dict[str, str] = {"on": "done_on", "pool": "pool_year"}


def _errors(exc: DjangoValidationError) -> Any:
    """The services' errors under the request's names."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    return {_RENAMED.get(field, field): errors for field, errors in exc.message_dict.items()}


class IncomeLineSerializer(serializers.ModelSerializer[IncomeLine]):
    class Meta:
        model = IncomeLine
        fields = ["province", "province_name", "year", "amount", "source"]
        extra_kwargs = {"province_name": {"required": False}, "source": {"required": False}}
        validators: list[Any] = []  # the service corrects an existing (province, year)


class IncomeLineViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet[IncomeLine]):
    """Monitoring lines (监测范围) per province and year, yuan per capita. POST records or corrects
    the line of a (province, year): the rural bureau and the plan office."""

    serializer_class = IncomeLineSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        if not has_role(self.request.user):
            return IncomeLine.objects.none()
        return IncomeLine.objects.order_by("province", "-year")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_manage_income_lines(request.user):
            raise exceptions.PermissionDenied("the rural bureau and the plan office record the lines")
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            line = services.income_line_save(
                actor=request.user,
                province=data["province"],
                year=data["year"],
                amount=data["amount"],
                province_name=data.get("province_name", ""),
                source_text=data.get("source", ""),
                source="api",
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise exceptions.ValidationError(detail) from exc
        return Response(self.get_serializer(line).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    router.register("households", HouseholdViewSet, basename="household")
    router.register("income-lines", IncomeLineViewSet, basename="income-line")
