"""Writes of the benchmarking app: catalogue, peer groups and statistics imports, all audited.

A statistics import reads the long format ``city,year,indicator,value,unit[,source]`` (CSV or the
first sheet of an Excel workbook), checks every row first and writes nothing if any row is wrong;
the errors name the row (the data row and the spreadsheet row) and the column. The checks are
those of the command line (``jingjin.benchmark.statistics.statistics_errors``) against the catalogue
in the database.
A value that differs from the current one for the same city, year and indicator becomes a new
revision; the old one is kept (``is_current=False``).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext

from jingjin.benchmark import statistics
from jingjin.benchmark.models import CatalogueIndicator, City, PeerGroup, Statistic
from jingjin.benchmark.statistics import RowError, errors_text
from jingjin.core.choices import AuditAction
from jingjin.core.limits import LimitError, bounded_rows, check_size, check_workbook
from jingjin.core.models import AuditEntry
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.core.services import audit_entry, audit_record_many
from jingjin.i18n import _


class StatisticsFileError(ValueError):
    """A statistics file that cannot be imported; ``errors`` names every row and column."""

    def __init__(self, errors: list[RowError]):
        total = len(errors)  # the pages show the first few and count the rest (errors_messages)
        self.errors = errors
        super().__init__(f"{total} error(s); nothing was imported:\n" + errors_text(errors))


@dataclass
class ImportSummary:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    cities_created: list[str] = field(default_factory=list)


def read_frame(raw: bytes, fmt: str) -> pl.DataFrame:
    """The cells of a CSV file or of an Excel workbook's first sheet, as text, header row first.

    The import limits apply (:mod:`jingjin.core.limits`): file size, unzipped size, rows, cells."""
    try:
        return _read_frame(raw, fmt)
    except LimitError as exc:
        raise StatisticsFileError([RowError(0, "", str(exc))]) from exc


def _read_frame(raw: bytes, fmt: str) -> pl.DataFrame:
    check_size(raw)
    rows: list[Sequence[Any]]
    if fmt == "csv":
        try:
            rows = list(bounded_rows(csv.reader(io.StringIO(raw.decode("utf-8-sig")))))
        except UnicodeDecodeError as exc:
            raise StatisticsFileError([RowError(0, "", _("the file is not UTF-8 text"))]) from exc
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        check_workbook(raw)  # a zip bomb is refused before anything is inflated
        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
            raise StatisticsFileError(
                [RowError(0, "", _("not a valid .xlsx file: %(error)s", error=exc))]
            ) from exc
        rows = [
            ["" if v is None else str(v) for v in row]
            for row in bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet.title)
        ]
    else:
        raise StatisticsFileError(
            [RowError(0, "", _("unknown file type %(type)s; use .csv or .xlsx", type=repr(fmt)))]
        )
    if not rows:
        raise StatisticsFileError([RowError(0, "", _("the file is empty"))])
    header = [str(h).strip() for h in rows[0]]
    body = [r for r in rows[1:] if any(str(v).strip() for v in r)]
    width = len(header)
    columns = {name: [str(r[i]) if i < len(r) else "" for r in body] for i, name in enumerate(header) if name}
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)) if width else pl.DataFrame()


def _catalogue() -> dict[str, statistics.Indicator]:
    """The catalogue in the database, in the form the file checks of ``statistics`` take."""
    return {
        i.code: statistics.Indicator(
            code=i.code,
            name_zh=i.name_zh,
            name_en=i.name_en,
            unit=i.unit,
            direction=i.direction,
            growth=i.growth,
            comparable_from=i.comparable_from,
        )
        for i in CatalogueIndicator.objects.all()
    }


def statistics_import(
    *, raw: bytes, fmt: str, actor: Any, source: str = "import", add_cities: bool = False
) -> ImportSummary:
    """Import a statistics file whole, or nothing (raises :class:`StatisticsFileError`).

    A row whose city is not in the database is an error (a misspelt city would otherwise become a
    new peer silently) unless ``add_cities`` is set: then the plan office asked for the file's new
    cities to be added, and each is created and audited."""
    if actor is not None and not can_add(actor):
        raise PermissionDenied("only the plan office may import statistics")
    clean, errors = statistics.statistics_errors(read_frame(raw, fmt), _catalogue())
    if not add_cities:
        errors = sorted([*errors, *unknown_city_errors(clean)], key=lambda e: e.row)
    if errors:
        raise StatisticsFileError(errors)
    catalogue = {i.code: i for i in CatalogueIndicator.objects.all()}
    summary = ImportSummary()
    audit: list[AuditEntry] = []
    with transaction.atomic():
        cities = {c.name_zh: c for c in City.objects.all()}
        current = {
            (s.city.name_zh, s.year, s.indicator.code): s
            for s in Statistic.objects.filter(is_current=True).select_related("city", "indicator")
        }
        for city_name, year, code, number, unit, text, _row in clean.iter_rows():
            city = cities.get(city_name)
            if city is None:
                city = cities[city_name] = City.objects.create(name_zh=city_name)
                summary.cities_created.append(city_name)
                audit.append(
                    audit_entry(
                        actor=actor,
                        action=AuditAction.CREATE,
                        obj=city,
                        before=None,
                        after=city.snapshot(),
                        source=source,
                    )
                )
            entry = _statistic_store(
                city,
                catalogue[code],
                year,
                Decimal(repr(number)),
                unit,
                text or "",
                current.get((city_name, year, code)),
                actor=actor,
                source=source,
                summary=summary,
            )
            if entry is not None:
                audit.append(entry)
        audit_record_many(audit)
    return summary


def _statistic_store(
    city: City,
    indicator: CatalogueIndicator,
    year: int,
    value: Decimal,
    unit: str,
    text: str,
    old: Statistic | None,
    *,
    actor: Any,
    source: str,
    summary: ImportSummary,
) -> AuditEntry | None:
    """Store one checked row: nothing when the current value and source are the same, else a new
    current revision (the old one kept, no longer current). Counted in ``summary``; returns the
    audit entry to record (None: unchanged)."""
    if old is not None and old.value == value and old.source == text:
        summary.unchanged += 1
        return None
    revision = 1
    before = None
    if old is not None:
        before = old.snapshot()
        old.is_current = False
        old.save(update_fields=["is_current"])
        revision = old.revision + 1
    new = Statistic.objects.create(
        city=city,
        indicator=indicator,
        year=year,
        value=value,
        unit=unit,
        source=text,
        revision=revision,
    )
    if old is None:
        summary.created += 1
        return audit_entry(
            actor=actor, action=AuditAction.CREATE, obj=new, before=None, after=new.snapshot(), source=source
        )
    summary.revised += 1
    return audit_entry(
        actor=actor, action=AuditAction.UPDATE, obj=new, before=before, after=new.snapshot(), source=source
    )


def unknown_city_errors(clean: pl.DataFrame) -> list[RowError]:
    """A :class:`RowError` for each row of ``clean`` (the checked rows of a statistics file) whose
    city is not in the database."""
    if clean.height == 0:
        return []
    names = set(clean.get_column("city").to_list())
    known = set(City.objects.filter(name_zh__in=names).values_list("name_zh", flat=True))
    return [
        RowError(
            row,
            "city",
            gettext(
                "unknown city %(city)s; a city must already be in the benchmark data, or tick "
                '"add the file\'s new cities" to add it'
            )
            % {"city": city},
        )
        for city, row in zip(
            clean.get_column("city").to_list(), clean.get_column("row").to_list(), strict=True
        )
        if city not in known
    ]


def _upsert(
    model: type[Any], key: str, items: list[dict[str, Any]], fields: tuple[str, ...], actor: Any, source: str
) -> int:
    changed = 0
    audit = []
    for position, item in enumerate(items):
        obj = model.objects.filter(**{key: item[key]}).first()
        before = obj.snapshot() if obj is not None else None
        if obj is None:
            obj = model(**{key: item[key]})
        for name in fields:
            if name in item:
                setattr(obj, name, item[name])
        if hasattr(obj, "position"):
            obj.position = position
        if before is None or obj.snapshot() != before:
            obj.full_clean()
            obj.save()
            changed += 1
            action = AuditAction.CREATE if before is None else AuditAction.UPDATE
            audit.append(
                audit_entry(
                    actor=actor, action=action, obj=obj, before=before, after=obj.snapshot(), source=source
                )
            )
    audit_record_many(audit)
    return changed


@transaction.atomic
def catalogue_load(*, entries: list[dict[str, Any]], actor: Any, source: str = "builtin") -> int:
    """Create or update catalogue indicators by code; returns how many changed."""
    if actor is not None and not can_add(actor):
        raise PermissionDenied("only the plan office may change the catalogue")
    fields = (
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
        "unit",
        "direction",
        "growth",
        "comparable_from",
    )
    return _upsert(CatalogueIndicator, "code", entries, fields, actor, source)


@transaction.atomic
def indicator_create(*, actor: Any, data: dict[str, Any]) -> CatalogueIndicator:
    """Add one indicator to the catalogue from the UI (plan office)."""
    if not can_add(actor):
        raise PermissionDenied("only the plan office may change the catalogue")
    indicator = CatalogueIndicator(**data, position=CatalogueIndicator.objects.count())
    indicator.full_clean()
    indicator.save()
    audit_record_many(
        [
            audit_entry(
                actor=actor,
                action=AuditAction.CREATE,
                obj=indicator,
                before=None,
                after=indicator.snapshot(),
                source="web",
            )
        ]
    )
    return indicator


@transaction.atomic
def peer_group_save(
    *, actor: Any, code: str, name_zh: str, name_en: str, cities: list[str], source: str = "web"
) -> PeerGroup:
    """Create or replace a peer group; every city must exist (errors name the unknown ones)."""
    if actor is not None and not can_add(actor):
        raise PermissionDenied("only the plan office may change peer groups")
    known = {c.name_zh: c for c in City.objects.filter(name_zh__in=cities)}
    unknown = [c for c in cities if c not in known]
    if unknown:
        raise ValueError(f"unknown cities in peer group {code}: {', '.join(unknown)}")
    group = PeerGroup.objects.filter(code=code).first()
    before = group.snapshot() if group is not None else None
    if group is None:
        group = PeerGroup(code=code, position=PeerGroup.objects.count())
    group.name_zh, group.name_en = name_zh, name_en
    group.full_clean()
    group.save()
    group.cities.set([known[c] for c in cities])
    after = group.snapshot()
    if before != after:
        action = AuditAction.CREATE if before is None else AuditAction.UPDATE
        audit_record_many(
            [audit_entry(actor=actor, action=action, obj=group, before=before, after=after, source=source)]
        )
    return group


BUILTIN_PROVINCE = {"潼南": "重庆", "铜梁": "重庆"}


def builtin_load(*, actor: Any = None) -> dict[str, Any]:
    """Load the bundled catalogue, the Sichuan statistics (with their sources) and the peer groups.

    Idempotent: a second run changes nothing and writes no audit row.
    """
    catalogue = [dataclasses.asdict(i) for i in statistics.load_catalogue().values()]
    changed = catalogue_load(entries=catalogue, actor=actor, source="builtin")
    summary = statistics_import(
        raw=statistics.BUILTIN_DATA.read_bytes(),
        fmt="csv",
        actor=actor,
        source="builtin",
        add_cities=True,
    )
    for city in City.objects.filter(province=""):
        city.province = BUILTIN_PROVINCE.get(city.name_zh, "四川")
        city.save(update_fields=["province"])
    for group in statistics.load_peer_groups().values():
        peer_group_save(
            actor=actor,
            code=group.code,
            name_zh=group.name_zh,
            name_en=group.name_en,
            cities=list(group.cities),
            source="builtin",
        )
    return {"catalogue_changed": changed, "statistics": summary}


def catalogue_import(*, raw: bytes, actor: Any) -> int:
    """Add or update catalogue indicators from a catalogue file (the format of the bundled
    ``catalogue.yaml``); the whole file is checked first. Returns how many changed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalogue.yaml"
        path.write_bytes(raw)
        try:
            entries = statistics.load_catalogue(path)
        except statistics.DataError as exc:
            raise ValueError(str(exc).replace(str(path), "catalogue file")) from exc
    return catalogue_load(
        entries=[dataclasses.asdict(i) for i in entries.values()], actor=actor, source="import"
    )
