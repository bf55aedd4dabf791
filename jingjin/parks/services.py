"""Writes of the park registers, each audited: create, change and delete of every register's
entries, and the imports (all or nothing).

Single entries go through the core services (``object_create``, ``object_update``,
``object_delete``), which check :func:`jingjin.core.permissions.restrict` and write the audit row.
The imports check :func:`~jingjin.core.permissions.may_manage_park_registers`, validate the whole
file (:mod:`.imports`, :mod:`.firm_import`) and then write it in one transaction with an audit row
per entry created or changed. ``actor=None`` is the system itself (the demo loader).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from jingjin.core.choices import AuditAction
from jingjin.core.limits import file_problem
from jingjin.core.models import AuditedModel, AuditEntry, Unit, _json_value
from jingjin.core.permissions import PermissionDenied, may_manage_park_registers
from jingjin.core.services import (
    audit_change,
    audit_entry,
    object_create,
    object_delete,
    object_update,
)
from jingjin.parks import firm_import, imports, tables
from jingjin.parks.models import Chain, ChainLink, Cluster, ClusterYear, Firm, Industry, Park
from jingjin.parks.tables import ImportFailed

MODELS: dict[str, type[AuditedModel]] = {
    "industry": Industry,
    "park": Park,
    "chain": Chain,
    "link": ChainLink,
    "firm": Firm,
    "cluster": Cluster,
    "cluster_year": ClusterYear,
}


def entry_create(*, kind: str, actor: Any, data: dict[str, Any], source: str = "web") -> AuditedModel:
    """Create an entry of a register (``kind``: a key of :data:`MODELS`); the plan office only."""
    return object_create(model=MODELS[kind], actor=actor, data=data, source=source)


def entry_change(*, obj: AuditedModel, actor: Any, data: dict[str, Any], source: str = "web") -> AuditedModel:
    """Change the fields in ``data``: the plan office any, a unit user those of its firms and park."""
    return object_update(obj=obj, actor=actor, data=data, source=source)


def entry_delete(*, obj: AuditedModel, actor: Any, source: str = "web") -> None:
    """Delete an entry (the plan office), keeping its last values in the audit trail."""
    object_delete(obj=obj, actor=actor, source=source)


# --------------------------------------------------------------------------------------------
# Imports


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _check(actor: Any) -> None:
    if actor is not None and not may_manage_park_registers(actor):
        raise PermissionDenied("only the plan office imports the park registers")


def register_import(
    *, kind: str, raw: bytes, filename: str, actor: Any, source: str = "import", synthetic: bool = False
) -> ImportResult:
    """Import a register's file (``kind``: industries, parks, chains, clusters or firms): every row
    checked first (:class:`~.tables.ImportFailed` lists the bad cells, nothing written), then all
    written in one transaction. ``synthetic`` marks every entry written as demo data."""
    _check(actor)
    if kind == "firms":
        columns = firm_import.firms_validate(raw, filename)
        return firms_import(columns=columns, actor=actor, source=source, synthetic=synthetic)
    _columns, validate, _example = imports.REGISTERS[kind]
    records = validate(tables.read_rows(raw, filename))
    writer = {
        "industries": _industries_write,
        "parks": _parks_write,
        "chains": _chains_write,
        "clusters": _clusters_write,
    }[kind]
    try:
        with transaction.atomic():
            return writer(records, _Writer(actor=actor, source=source, synthetic=synthetic))
    except ValidationError as exc:  # a rule of the model the file's checks do not repeat
        raise ImportFailed([file_problem(" ".join(exc.messages))]) from exc


@dataclass
class _Writer:
    """Who writes an import, and whether its entries are demo data; counts what it created."""

    actor: Any
    source: str
    synthetic: bool
    created: int = 0
    updated: int = 0

    def upsert(
        self,
        model: type[AuditedModel],
        lookup: dict[str, Any],
        values: dict[str, Any],
        many: dict[str, Any] | None = None,
    ) -> AuditedModel:
        """Create or change one entry and audit it (an empty English name takes the Chinese one)."""
        if "name_en" in values and not values["name_en"]:
            values = {**values, "name_en": values.get("name_zh", "")}
        obj = model.objects.filter(**lookup).first()
        before = obj.snapshot() if obj is not None else None
        if obj is None:
            obj = model(**lookup)
        for name, value in values.items():
            setattr(obj, name, value)
        if self.synthetic:
            setattr(obj, "is_synthetic", True)  # noqa: B010 - every register has the flag
        obj.full_clean()
        obj.save()
        for name, value in (many or {}).items():
            getattr(obj, name).set(value)
        audit_change(actor=self.actor, obj=obj, before=before, source=self.source)
        if before is None:
            self.created += 1
        else:
            self.updated += 1
        return obj

    def result(self) -> ImportResult:
        return ImportResult(created=self.created, updated=self.updated)


def _industries_write(records: list[dict[str, Any]], writer: _Writer) -> ImportResult:
    for r in records:
        parent = Industry.objects.get(code=r["parent"]) if r["parent"] else None
        values = {k: r[k] for k in ("name_zh", "name_en", "gbt4754", "system_tier", "position")}
        writer.upsert(Industry, {"code": r["code"]}, {**values, "parent": parent})
    return writer.result()


def _parks_write(records: list[dict[str, Any]], writer: _Writer) -> ImportResult:
    industries = {i.code: i for i in Industry.objects.all()}
    for r in records:
        values: dict[str, Any] = {"level": r["level"]}
        if "county" in r["columns"]:
            values["county"] = Unit.objects.get(code=r["county"]) if r["county"] else None
        if "area_km2" in r["columns"]:
            values["area_km2"] = r["area_km2"]
        many = {}
        for key, field in (("leading", "leading_industries"), ("industries", "industries")):
            if key in r["columns"]:
                many[field] = [industries[c] for c in r[key]]
        writer.upsert(Park, {"unit": Unit.objects.get(code=r["unit"])}, values, many)
    return writer.result()


def _chains_write(records: list[dict[str, Any]], writer: _Writer) -> ImportResult:
    for r in records:
        values = {k: r[k] for k in ("name_zh", "name_en", "chain_leader", "chain_leader_post")}
        values["lead_unit"] = Unit.objects.get(code=r["lead_unit"]) if r["lead_unit"] else None
        values["industry"] = Industry.objects.get(code=r["industry"]) if r["industry"] else None
        chain = writer.upsert(Chain, {"code": r["code"]}, values)
        for link in r["links"]:
            link_values = {k: v for k, v in link.items() if k != "code"}
            writer.upsert(ChainLink, {"code": link["code"]}, {**link_values, "chain": chain})
    return writer.result()


def _clusters_write(records: list[dict[str, Any]], writer: _Writer) -> ImportResult:
    for r in records:
        industries = list(Industry.objects.filter(code__in=r["industries"]))
        values = {"name_zh": r["name_zh"], "name_en": r["name_en"]}
        cluster = writer.upsert(Cluster, {"code": r["code"]}, values, {"industries": industries})
        for year, (target, actual) in sorted(r["years"].items()):
            values = {"target_output": target, "actual_output": actual}
            writer.upsert(ClusterYear, {"cluster": cluster, "year": year}, values)
    return writer.result()


# --------------------------------------------------------------------------------------------
# The firm register: in bulk


def _firm_snapshot(values: dict[str, Any], codes: dict[str, dict[Any, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in values.items():
        if key in codes:
            data[key] = (
                sorted(codes[key][v] for v in value) if key == "chain_links" else codes[key].get(value)
            )
        else:
            data[key] = _json_value(value)
    return data


@transaction.atomic
def firms_import(
    *, columns: firm_import.FirmColumns, actor: Any, source: str = "import", synthetic: bool = False
) -> ImportResult:
    """Write validated firm columns: new credit codes created, known ones changed (only the
    columns present, and only the firms whose values differ), chain links replaced where the
    column is present; an audit row per firm created or changed (``before`` and ``after`` of the
    columns imported). ``synthetic`` marks the firms as demo data."""
    _check(actor)
    if synthetic:
        columns.values["is_synthetic"] = [True] * len(columns)
    fields = firm_import.firm_fields(columns)
    existing = dict(Firm.objects.values_list("credit_code", "pk"))
    codes = {
        "park": dict(Park.objects.values_list("pk", "unit__code")),
        "county": dict(Unit.objects.values_list("pk", "code")),
        "industry": dict(Industry.objects.values_list("pk", "code")),
        "chain_links": dict(ChainLink.objects.values_list("pk", "code")),
    }
    keys = [*fields, *(["chain_links"] if "chain_links" in columns.values else [])]
    attnames = [f"{k}_id" if k in codes else k for k in fields]
    known = [(existing[code], i) for i, code in enumerate(columns.codes) if code in existing]
    before = _firm_befores([pk for pk, _i in known], keys, codes)
    after = {i: _firm_snapshot({k: columns.values[k][i] for k in keys}, codes) for i in range(len(columns))}
    changed = [(pk, i) for pk, i in known if before[pk] != after[i]]
    new_index = [i for i, code in enumerate(columns.codes) if code not in existing]
    new_ids = _firms_insert(new_index, columns, fields)
    _firms_update(changed, columns, fields, attnames)
    if "chain_links" in columns.values:
        links = columns.values["chain_links"]
        new_rows = [(pk, links[i]) for pk, i in zip(new_ids, new_index, strict=True)]
        changed_links = [
            (pk, links[i]) for pk, i in changed if before[pk].get("chain_links") != after[i]["chain_links"]
        ]
        _links_write(new_rows, changed_links)
    template = audit_entry(
        actor=actor, action=AuditAction.CREATE, obj=Firm(pk=0), before=None, after=None, source=source
    )
    names = columns.values["name"]
    rows: list[tuple[int, Any, str, Any, Any]] = [
        (pk, names[i], AuditAction.CREATE, None, after[i]) for pk, i in zip(new_ids, new_index, strict=True)
    ]
    rows += [(pk, names[i], AuditAction.UPDATE, before[pk], after[i]) for pk, i in changed]
    _audit_insert(template, rows)
    return ImportResult(created=len(new_ids), updated=len(changed))


def _audit_insert(template: AuditEntry, rows: list[tuple[int, Any, str, Any, Any]]) -> None:
    """Audit rows like ``template`` (same user, unit, time, source), one per (firm id, name, action,
    before, after), written with one INSERT run for each (``executemany``): the firm register's
    imports audit up to 200,000 firms at once."""
    fields: list[Any] = [AuditEntry._meta.get_field(name) for name in AUDIT_COLUMNS]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - own names
    json_field: Any = AuditEntry._meta.get_field("after")
    time = fields[0].get_db_prep_save(template.time, connection)

    def json(value: Any) -> Any:
        return None if value is None else json_field.get_db_prep_save(value, connection)

    common = (
        template.user_id,
        template.user_name,
        template.unit_id,
        template.content_type_id,
        template.source,
    )
    user_id, user_name, unit_id, content_type_id, source = common
    params = [
        [
            time,
            user_id,
            user_name,
            unit_id,
            action,
            content_type_id,
            pk,
            name[:400],
            json(before),
            json(after),
            source,
        ]
        for pk, name, action, before, after in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


#: the columns :func:`_audit_insert` writes, in its order
AUDIT_COLUMNS = (
    "time",
    "user",
    "user_name",
    "unit",
    "action",
    "content_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "source",
)


def _firms_insert(rows: list[int], columns: firm_import.FirmColumns, fields: list[str]) -> list[int]:
    """Insert the firms of ``rows`` (indexes into ``columns``) with one INSERT statement run for
    each (``executemany``; the model's defaults where a column is absent); their new ids, in order."""
    if not rows:
        return []
    concrete = [f for f in Firm._meta.concrete_fields if not f.primary_key]
    given = {f"{k}_id" if k in {"park", "county", "industry"} else k: k for k in fields}
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in concrete)
    marks = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {quote(Firm._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - own names
    defaults = [None if f.null else f.get_default() for f in concrete]
    codes = columns.codes
    params = []
    for i in rows:
        row = [
            columns.codes[i]
            if f.attname == "credit_code"
            else (columns.values[given[f.attname]][i] if f.attname in given else default)
            for f, default in zip(concrete, defaults, strict=True)
        ]
        params.append(row)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])
    wanted = {codes[i] for i in rows}
    ids = {code: pk for code, pk in Firm.objects.values_list("credit_code", "pk") if code in wanted}
    return [ids[codes[i]] for i in rows]


def _firms_update(
    changed: list[tuple[int, int]], columns: firm_import.FirmColumns, fields: list[str], attnames: list[str]
) -> None:
    """One UPDATE statement run for every changed firm (``executemany``: far faster than a CASE
    per field over thousands of rows)."""
    if not changed or not fields:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(a)} = %s" for a in attnames)
    table = quote(Firm._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 - the model's own names
    params = [[*(columns.values[k][i] for k in fields), pk] for pk, i in changed]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(sql, params[start : start + 5000])


def _firm_befores(
    ids: list[int], keys: list[str], codes: dict[str, dict[Any, str]]
) -> dict[int, dict[str, Any]]:
    """The snapshot of the imported columns of each firm ``ids`` as it is now, by firm id."""
    plain = [k for k in keys if k != "chain_links"]
    befores: dict[int, dict[str, Any]] = {}
    through = Firm.chain_links.through
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        links: dict[int, list[int]] = {}
        if "chain_links" in keys:
            pairs = through.objects.filter(firm_id__in=chunk).values_list("firm_id", "chainlink_id")
            for firm_id, link_id in pairs:
                links.setdefault(firm_id, []).append(link_id)
        columns = ["pk", *(f"{k}_id" if k in codes else k for k in plain)]
        for row in Firm.objects.filter(pk__in=chunk).values(*columns):
            values = {k: row[f"{k}_id" if k in codes else k] for k in plain}
            if "chain_links" in keys:
                values["chain_links"] = links.get(row["pk"], [])
            befores[row["pk"]] = _firm_snapshot(values, codes)
    return befores


def _links_write(new: list[tuple[int, list[int]]], changed: list[tuple[int, list[int]]]) -> None:
    """Set the chain links of new firms and replace those of changed ones."""
    through = Firm.chain_links.through
    ids = [pk for pk, _links in changed]
    for start in range(0, len(ids), 500):
        through.objects.filter(firm_id__in=ids[start : start + 500]).delete()
    rows = [through(firm_id=pk, chainlink_id=link) for pk, links in (*new, *changed) for link in links]
    through.objects.bulk_create(rows, batch_size=5000)
