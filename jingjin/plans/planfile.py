"""The plan file: validation, conversion to and from XLSX, and reading files.

A plan file (``docs/plan-format.md``) is a nested dict. This module is pure Python (no
database): its keys and defaults, :func:`normalise`, the files (JSON, YAML, the XLSX workbook)
and :func:`validate`, which returns every error with its place (a JSON path, or for a workbook
the sheet, row and column) so that an import can refuse a bad file whole; the checks themselves
are in :mod:`jingjin.plans.plancheck`. The database side — export from and import into the
models — is in ``services``.
"""

from __future__ import annotations

import copy
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from jingjin.core import bounds
from jingjin.i18n import _

FORMAT = "jingjin-plan/1"

PLAN_KEYS = (
    "code",
    "name_zh",
    "name_en",
    "city",
    "start_year",
    "end_year",
    "source",
    "description_zh",
    "description_en",
)
UNIT_KEYS = ("code", "name_zh", "name_en", "kind", "parent")
MECHANISM_KEYS = ("code", "name_zh", "name_en", "description_zh", "description_en")
NODE_KEYS = (
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "lead_unit",
    "co_units",
    "weight",
    "start",
    "end",
)
ACTION_KEYS = (*NODE_KEYS, "measures")
MEASURE_KEYS = (*NODE_KEYS, "tasks")
TASK_KEYS = (
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "lead_unit",
    "co_units",
    "counties",
    "weight",
    "start",
    "end",
    "mechanisms",
    "indicators",
)
INDICATOR_KEYS = (
    "code",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_min",
    "target_max",
    "target_year",
    "targets",
    "milestones",
    "data_source",
    "responsible_unit",
    "note_zh",
    "note_en",
)
TARGET_KEYS = ("year", "value")
MILESTONE_KEYS = ("date", "name_zh", "name_en")

UNIT_KINDS = ("city", "department", "county", "park", "township", "village")
DIRECTIONS = ("higher", "lower", "range", "boolean", "milestone")

PLAN_CODE = re.compile(r"^[a-z0-9-]+$")
UNIT_CODE = re.compile(r"^[a-z0-9_.-]+$")
MECHANISM_CODE = re.compile(r"^[a-z0-9_]+$")
ACTION_CODE = re.compile(r"^A\d+$")

# Defaults for optional keys, used when a file leaves them out.
DEFAULTS: dict[str, Any] = {
    "description_zh": "",
    "description_en": "",
    "note_zh": "",
    "note_en": "",
    "source": "",
    "unit": "",
    "data_source": "",
    "lead_unit": None,
    "responsible_unit": None,
    "co_units": [],
    "counties": [],
    "mechanisms": [],
    "weight": 1,
    "start": None,
    "end": None,
    "baseline_value": None,
    "baseline_year": None,
    "target_value": None,
    "target_min": None,
    "target_max": None,
    "target_year": None,
    "targets": [],
    "milestones": [],
    "measures": [],
    "tasks": [],
    "indicators": [],
    "parent": None,
    "date": None,
}
REQUIRED = {
    "code",
    "name_zh",
    "name_en",
    "city",
    "start_year",
    "end_year",
    "kind",
    "direction",
    "year",
    "value",
}


@dataclass(frozen=True)
class PlanError:
    """One problem in a plan file, with its place."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class PlanFileError(ValueError):
    """A plan file that cannot be imported; ``errors`` lists every problem with its place."""

    def __init__(self, errors: list[PlanError]):
        from jingjin.core.limits import truncated

        # a page lists at most JINGJIN_IMPORT_MAX_ERRORS of them, then how many more
        self.total = len(errors)
        self.errors = truncated(errors, lambda more: PlanError("…", more))
        lines = "\n".join(f"  - {e}" for e in errors[:200])
        more = f"\n  … and {len(errors) - 200} more" if len(errors) > 200 else ""
        super().__init__(f"{len(errors)} error(s) in the plan file:\n{lines}{more}")


# --------------------------------------------------------------------------------------------
# Normalisation and validation
# --------------------------------------------------------------------------------------------


def validate(data: Any, *, known_units: set[str] | frozenset[str] = frozenset()) -> list[PlanError]:
    """Every error of a plan file, each with its place; ``known_units`` are unit codes that exist
    outside the file. The checks are in :mod:`jingjin.plans.plancheck`."""
    from jingjin.plans import plancheck

    return plancheck.validate(data, known_units=known_units)


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """The file with every optional key filled in and in the documented order (after validation)."""

    def fill(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        out = {}
        for key in keys:
            value = obj.get(key)
            if value is None:  # left out or null: the default (an empty list, weight 1 …)
                value = copy.deepcopy(DEFAULTS.get(key))
            if isinstance(value, datetime):
                value = value.date()
            if isinstance(value, date):
                value = value.isoformat()
            out[key] = value
        return out

    result: dict[str, Any] = {"format": FORMAT, "plan": fill(data["plan"], PLAN_KEYS)}
    result["units"] = [fill(u, UNIT_KEYS) for u in data.get("units", [])]
    result["mechanisms"] = [fill(m, MECHANISM_KEYS) for m in data.get("mechanisms", [])]
    mechanism_order = {m["code"]: i for i, m in enumerate(result["mechanisms"])}
    actions = []
    for action in data["actions"]:
        a = fill(action, ACTION_KEYS)
        a["co_units"] = sorted(a["co_units"])
        a["measures"] = []
        for measure in action.get("measures", []):
            m = fill(measure, MEASURE_KEYS)
            m["co_units"] = sorted(m["co_units"])
            m["tasks"] = []
            for task in measure.get("tasks", []):
                t = fill(task, TASK_KEYS)
                t["co_units"], t["counties"] = sorted(t["co_units"]), sorted(t["counties"])
                t["mechanisms"] = sorted(dict.fromkeys(t["mechanisms"]), key=mechanism_order.__getitem__)
                t["indicators"] = []
                for indicator in task.get("indicators", []):
                    i = fill(indicator, INDICATOR_KEYS)
                    i["targets"] = [fill(x, TARGET_KEYS) for x in indicator.get("targets", [])]
                    i["milestones"] = [fill(x, MILESTONE_KEYS) for x in indicator.get("milestones", [])]
                    t["indicators"].append(i)
                m["tasks"].append(t)
            a["measures"].append(m)
        actions.append(a)
    result["actions"] = actions
    return result


# --------------------------------------------------------------------------------------------
# Files: JSON, YAML and the XLSX workbook
# --------------------------------------------------------------------------------------------


def dumps(data: dict[str, Any], fmt: str) -> bytes:
    """Serialise a plan file as ``json``, ``yaml`` or ``xlsx``."""
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(data)
    raise ValueError(f"unknown format {fmt!r}; use json, yaml or xlsx")


def load(path: str | Path) -> dict[str, Any]:
    """Read a plan file by its extension; raises :class:`PlanFileError` for unreadable files."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(
            [PlanError(str(path), _("cannot be read: %(error)s", error=exc.strerror or exc))]
        ) from exc
    return loads(raw, suffix.lstrip("."), name=path.name)


def loads(raw: bytes, fmt: str, *, name: str = "file") -> Any:
    """The plan file in ``raw`` (``json``, ``yaml``/``yml`` or ``xlsx``), parsed but not validated;
    raises :class:`PlanFileError` for a file that cannot be read, including one nested too deep
    or holding a number too long to read."""
    from jingjin.core.limits import LimitError, check_size

    try:
        check_size(raw)
    except LimitError as exc:
        raise PlanFileError([PlanError(name, str(exc))]) from exc
    if fmt == "json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            where = _("line %(line)s, column %(column)s", line=exc.lineno, column=exc.colno)
            raise PlanFileError([PlanError(where, _("not valid JSON: %(error)s", error=exc))]) from exc
        except (ValueError, RecursionError) as exc:  # not UTF-8, a 5000-digit number, [[[[…
            raise PlanFileError([PlanError(name, _("not valid JSON: %(error)s", error=_why(exc)))]) from exc
        return _shallow(data, name)
    if fmt in {"yaml", "yml"}:
        try:
            data = yaml.safe_load(raw.decode("utf-8-sig"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            place: str = (
                _("line %(line)s, column %(column)s", line=mark.line + 1, column=mark.column + 1)
                if mark is not None
                else name
            )
            raise PlanFileError([PlanError(place, _("not valid YAML: %(error)s", error=exc))]) from exc
        except (ValueError, RecursionError) as exc:
            raise PlanFileError([PlanError(name, _("not valid YAML: %(error)s", error=_why(exc)))]) from exc
        return _shallow(data, name)
    if fmt == "xlsx":
        return from_xlsx(raw)
    raise PlanFileError(
        [PlanError(name, _("unknown file type %(type)s; use .json, .yaml, .yml or .xlsx", type=repr(fmt)))]
    )


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return str(_("nested too deep"))
    return bounds.show(str(exc), 200)


def _shallow(data: Any, name: str) -> Any:
    """``data`` when it is within :data:`bounds.MAX_NESTING` levels and
    :data:`bounds.MAX_ITEMS` entries, else :class:`PlanFileError`."""
    problem = bounds.nesting_problem(data)
    if problem is not None:
        raise PlanFileError([PlanError(name, problem)])
    return data


SHEETS: dict[str, tuple[str, ...]] = {
    "plan": PLAN_KEYS,
    "units": UNIT_KEYS,
    "mechanisms": MECHANISM_KEYS,
    "actions": NODE_KEYS,
    "measures": ("action", *NODE_KEYS),
    "tasks": ("measure", *TASK_KEYS[:-1]),
    "indicators": ("task", *(k for k in INDICATOR_KEYS if k not in {"targets", "milestones"})),
    "targets": ("indicator", *TARGET_KEYS),
    "milestones": ("indicator", *MILESTONE_KEYS),
}
LIST_FIELDS = {"co_units", "counties", "mechanisms"}


def to_xlsx(data: dict[str, Any]) -> bytes:
    """The plan as a workbook: one sheet per level, children naming their parent's code."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from jingjin.core.exports import append_row

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    rows["plan"].append(data["plan"])
    rows["units"].extend(data["units"])
    rows["mechanisms"].extend(data["mechanisms"])
    for action in data["actions"]:
        rows["actions"].append(action)
        for measure in action["measures"]:
            rows["measures"].append({"action": action["code"], **measure})
            for task in measure["tasks"]:
                rows["tasks"].append({"measure": measure["code"], **task})
                for ind in task["indicators"]:
                    rows["indicators"].append({"task": task["code"], **ind})
                    rows["targets"].extend({"indicator": ind["code"], **t} for t in ind["targets"])
                    rows["milestones"].extend({"indicator": ind["code"], **m} for m in ind["milestones"])
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_name, columns in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet_name]:
            values = []
            for column in columns:
                value = row.get(column)
                if column in LIST_FIELDS:
                    value = ";".join(value or [])
                values.append(value)
            append_row(sheet, values)  # a text that looks like a formula stays text
        for column_cells in sheet.columns:
            sheet.column_dimensions[column_cells[0].column_letter].width = 16
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def from_xlsx(raw: bytes) -> dict[str, Any]:
    """Read the workbook back into a plan file; errors name sheet, row and column."""
    return _TreeBuilder(_read_sheets(raw)).plan()


#: a sheet's data rows: (row number, the value of each column, the place of each value for errors)
_SheetRows = list[tuple[int, dict[str, Any], dict[str, str]]]

#: texts that are empty rather than null in a plan file
_TEXT_FIELDS = {"description_zh", "description_en", "note_zh", "note_en", "source", "unit", "data_source"}

#: columns of whole years (a spreadsheet may give them as floats)
_YEAR_FIELDS = {"start_year", "end_year", "baseline_year", "target_year", "year"}


def _read_sheets(raw: bytes) -> dict[str, _SheetRows]:
    """The data rows of every sheet of :data:`SHEETS`; a missing sheet or column and an unknown
    column are errors naming sheet, row and column (all of them, then :class:`PlanFileError`)."""
    from openpyxl import load_workbook

    from jingjin.core.limits import LimitError, bounded_rows, check_workbook

    try:
        check_workbook(raw)  # a zip bomb is refused before anything is inflated
    except LimitError as exc:
        raise PlanFileError([PlanError(_("workbook"), str(exc))]) from exc
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise PlanFileError(
            [PlanError(_("workbook"), _("not a valid .xlsx file: %(error)s", error=exc))]
        ) from exc
    errors: list[PlanError] = []
    tables: dict[str, _SheetRows] = {}
    for sheet_name, columns in SHEETS.items():
        if sheet_name not in workbook.sheetnames:
            errors.append(PlanError(_("sheet '%(sheet)s'", sheet=sheet_name), _("is missing")))
            continue
        sheet = workbook[sheet_name]
        try:
            all_rows = list(bounded_rows(sheet.iter_rows(values_only=True), sheet=sheet_name))
        except LimitError as exc:
            raise PlanFileError([PlanError(_("sheet '%(sheet)s'", sheet=sheet_name), str(exc))]) from exc
        header = [str(v).strip() if v is not None else "" for v in (all_rows[0] if all_rows else [])]
        errors.extend(_header_errors(sheet_name, columns, header))
        tables[sheet_name] = _sheet_rows(sheet_name, columns, header, all_rows[1:])
    if errors:
        raise PlanFileError(errors)
    return tables


def _header_errors(sheet_name: str, columns: tuple[str, ...], header: list[str]) -> list[PlanError]:
    """The columns of ``columns`` missing from a sheet's header row, and its unknown columns."""
    from openpyxl.utils import get_column_letter

    errors = [
        PlanError(
            _("sheet '%(sheet)s', row %(row)s", sheet=sheet_name, row=1),
            _("column '%(column)s' is missing", column=column),
        )
        for column in columns
        if column not in header
    ]
    for index, name in enumerate(header):
        if name and name not in columns:
            errors.append(
                PlanError(
                    _(
                        "sheet '%(sheet)s', row %(row)s, column %(column)s",
                        sheet=sheet_name,
                        row=1,
                        column=get_column_letter(index + 1),
                    ),
                    _("unknown column '%(name)s'", name=name),
                )
            )
    return errors


def _sheet_rows(sheet_name: str, columns: tuple[str, ...], header: list[str], rows: list[Any]) -> _SheetRows:
    """The data rows of a sheet (from row 2; empty rows skipped), each value read as a plan file
    has it (:func:`_cell_value`) with its place (sheet, row, column and name)."""
    from openpyxl.utils import get_column_letter

    table: _SheetRows = []
    for row_number, values in enumerate(rows, start=2):
        if values is None or all(v is None or v == "" for v in values):
            continue
        record: dict[str, Any] = {}
        places: dict[str, str] = {}
        for index, name in enumerate(header):
            if name not in columns:
                continue
            record[name] = _cell_value(name, values[index] if index < len(values) else None)
            places[name] = _(
                "sheet '%(sheet)s', row %(row)s, column %(column)s (%(name)s)",
                sheet=sheet_name,
                row=row_number,
                column=get_column_letter(index + 1),
                name=name,
            )
        places["$row"] = _("sheet '%(sheet)s', row %(row)s", sheet=sheet_name, row=row_number)
        table.append((row_number, record, places))
    return table


def _cell_value(name: str, value: Any) -> Any:
    """A cell of column ``name`` as a plan file has it: texts stripped, an empty cell null (a list
    column: an empty list, else its ``;``-separated items), whole years as int, dates as ISO text."""
    if isinstance(value, str):
        value = value.strip()
    if name in LIST_FIELDS:
        value = [v.strip() for v in str(value).split(";") if v.strip()] if value not in (None, "") else []
    elif value == "":
        value = None
    if isinstance(value, float) and value.is_integer() and name in _YEAR_FIELDS:
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat()
    return value


def _clean(record: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The ``keys`` of a sheet row that it has, an empty text for a null one of :data:`_TEXT_FIELDS`."""
    out = {k: record.get(k) for k in keys if k in record}
    for key in _TEXT_FIELDS & out.keys():
        if out[key] is None:
            out[key] = ""
    return out


class _TreeBuilder:
    """The plan file's tree (actions → measures → tasks → indicators → targets and milestones)
    from the sheets' rows, remembering where each object came from to translate error places; a
    row whose parent is unknown is an error naming its cell."""

    def __init__(self, tables: dict[str, _SheetRows]) -> None:
        self.tables = tables
        self.errors: list[PlanError] = []
        self.row_places: dict[int, dict[str, str]] = {}
        #: code → the child lists of the object of that code (indicators as ``ind:<code>``)
        self.by_code: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def keep(self, obj: dict[str, Any], places: dict[str, str]) -> dict[str, Any]:
        self.row_places[id(obj)] = places
        return obj

    def plan(self) -> PlanData:
        plan_rows = self.tables["plan"]
        if len(plan_rows) != 1:
            raise PlanFileError(
                [
                    PlanError(
                        _("sheet '%(sheet)s'", sheet="plan"),
                        _("must have exactly one data row, has %(count)s", count=len(plan_rows)),
                    )
                ]
            )
        data: dict[str, Any] = {
            "format": FORMAT,
            "plan": self.keep(_clean(plan_rows[0][1], PLAN_KEYS), plan_rows[0][2]),
        }
        data["units"] = [self.keep(_clean(r, UNIT_KEYS), p) for _, r, p in self.tables["units"]]
        data["mechanisms"] = [
            self.keep(_clean(r, MECHANISM_KEYS), p) for _, r, p in self.tables["mechanisms"]
        ]
        data["actions"] = self.attach("actions", "", "measures", NODE_KEYS)
        self.attach("measures", "action", "tasks", NODE_KEYS)
        self.attach("tasks", "measure", "indicators", TASK_KEYS[:-1])
        self.attach_indicators()
        for sheet, keys in (("targets", TARGET_KEYS), ("milestones", MILESTONE_KEYS)):
            for _row, record, places in self.tables[sheet]:
                holder = self.by_code.get(f"ind:{record.get('indicator')}")
                if holder is None:
                    self.errors.append(
                        PlanError(
                            places.get("indicator", places["$row"]),
                            _("unknown indicator %(code)s", code=repr(record.get("indicator"))),
                        )
                    )
                    continue
                holder[sheet].append(self.keep(_clean(record, keys), places))
        if self.errors:
            raise PlanFileError(self.errors)
        return PlanData(data, self.row_places)

    def attach(
        self, sheet: str, parent_key: str, child_list: str, keys: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """The objects of ``sheet``, each appended to its parent's list (by ``parent_key``)."""
        objects = []
        for _row, record, places in self.tables[sheet]:
            obj = _clean(record, keys)
            if child_list:
                obj[child_list] = []
            parent = record.get(parent_key) if parent_key else None
            if parent_key:
                holder = self.by_code.get(str(parent))
                if holder is None:
                    self.errors.append(
                        PlanError(
                            places.get(parent_key, places["$row"]),
                            (
                                _("unknown action %(code)s", code=repr(parent))
                                if parent_key == "action"
                                else _("unknown measure %(code)s", code=repr(parent))
                            ),
                        )
                    )
                    continue
                holder[sheet].append(obj)
            objects.append(obj)
            code = record.get("code")
            if code is not None and child_list:
                self.by_code[str(code)] = {child_list: obj[child_list]}
            self.row_places[id(obj)] = places
        return objects

    def attach_indicators(self) -> None:
        """The indicators, each appended to its task's list, with empty targets and milestones."""
        for _row, record, places in self.tables["indicators"]:
            obj = _clean(record, tuple(k for k in INDICATOR_KEYS if k not in {"targets", "milestones"}))
            obj["targets"], obj["milestones"] = [], []
            holder = self.by_code.get(str(record.get("task")))
            if holder is None:
                self.errors.append(
                    PlanError(
                        places.get("task", places["$row"]),
                        _("unknown task %(code)s", code=repr(record.get("task"))),
                    )
                )
                continue
            holder["indicators"].append(obj)
            self.row_places[id(obj)] = places
            self.by_code[f"ind:{record.get('code')}"] = {
                "targets": obj["targets"],
                "milestones": obj["milestones"],
            }


class PlanData(dict[str, Any]):
    """A plan read from a workbook: a plain plan dict that also knows the cell of every value."""

    def __init__(self, data: dict[str, Any], row_places: dict[int, dict[str, str]]):
        super().__init__(data)
        self.row_places = row_places

    def locate(self, place: str) -> str:
        """Turn a JSON path such as ``$.actions[0].measures[1].code`` into sheet, row and column."""
        obj: Any = self
        found = ""
        tokens = re.findall(r"\.([A-Za-z_]+)|\[(\d+)\]", place)
        for index, (key, number) in enumerate(tokens):
            try:
                obj = obj[int(number)] if number else obj[key]
            except (KeyError, IndexError, TypeError):
                break
            places = self.row_places.get(id(obj))
            if places is not None:
                found = places["$row"]
                if index + 1 < len(tokens) and tokens[index + 1][0] in places:
                    return places[tokens[index + 1][0]]
        return found or place


def locate(data: Any, place: str) -> str:
    """The place of an error as the user knows it: sheet/row/column for workbooks, else the JSON path."""
    return data.locate(place) if isinstance(data, PlanData) else place


BUILTIN_PLANS = {"suining-2021": "suining-2021.yaml"}


def builtin_data(code: str = "suining-2021") -> dict[str, Any]:
    """A built-in plan shipped in the package (``jingjin/data/plans``), validated and normalised."""
    from importlib import resources

    if code not in BUILTIN_PLANS:
        raise PlanFileError(
            [PlanError("plan", f"no built-in plan {code!r}; built in: {', '.join(BUILTIN_PLANS)}")]
        )
    name = BUILTIN_PLANS[code]
    raw = resources.files("jingjin.data").joinpath("plans", name).read_bytes()
    data = loads(raw, "yaml", name=name)
    errors = validate(data)
    if errors:  # a packaging error, not a user error
        raise PlanFileError(errors)
    return normalise(data)
