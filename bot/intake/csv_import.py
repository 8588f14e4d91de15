"""`baton import FILE.csv`: hand off the leads in a CRM or spreadsheet export.

Columns are matched to Baton's fields by header name, case-insensitively, in
English or as Japanese CRM exports name them (会社名, 氏名, 姓/名, メールアドレス,
電話番号, 役職...); `--map COLUMN=FIELD` settles the rest. Each row goes through
the same validation and hand-off as a webhook lead, and the report says row by
row what was created, what was a duplicate, and what was rejected and why.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from tqdm import tqdm

from bot.core.i18n import join, t
from bot.core.policy import Policy
from bot.intake.csv_headers import HEADER_ALIASES, normalize_header
from bot.intake.formats import full_name
from bot.intake.schema import FIELD_NAMES, field_problems, validate_lead
from bot.leads.handoff import NoRoute
from bot.leads.lifecycle import LeadService

DEFAULT_SOURCE = "csv"
IMPORT_ACTOR = "import"
EXTRA_PREFIX = "fields."
IGNORE = "-"
# Targets besides LeadPayload's own fields: name parts, joined as the language writes them.
NAME_PARTS = ("first_name", "last_name")
TARGETS = tuple(f for f in FIELD_NAMES if f != "fields") + NAME_PARTS


class ImportProblem(Exception):
    """The file or the command line is wrong as a whole; nothing was imported."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, locale: str) -> str:
        # lists (of columns, of fields) are joined as the reader's language writes a list
        params = {
            name: join(value, locale) if isinstance(value, list | tuple) else value
            for name, value in self.params.items()
        }
        return t(self.key, locale, **params)


# --- reading the file ----------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    encoding: str


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (with or without BOM) or Shift_JIS."""
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            raise ImportProblem("intake.import.bad_encoding", encoding=encoding) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            raise ImportProblem("intake.import.unknown_encoding") from None
    for name, shown in (("utf-8", "UTF-8"), ("cp932", "Shift_JIS (cp932)")):
        try:
            return raw.decode(name), shown
        except UnicodeDecodeError:
            continue
    raise ImportProblem("intake.import.unknown_encoding")


def read_table(path: Path, encoding: str | None = None) -> Table:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportProblem("intake.import.no_file", path=str(path)) from None
    except OSError as exc:
        raise ImportProblem(
            "intake.import.unreadable", path=str(path), problem=exc.strerror
        ) from None
    text, used = decode(raw, encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportProblem(
            "intake.import.bad_csv", line=reader.line_num, problem=str(exc)
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportProblem("intake.import.no_header", path=str(path))
    headers = [cell.strip() for cell in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)  # blank lines at the end of an export
    ]
    return Table(headers, rows, used)


# --- matching columns to fields ----------------------------------------------------------


@dataclass
class ColumnPlan:
    """Which column feeds which field; several columns may feed one (first non-empty wins)."""

    targets: dict[str, list[int]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def describe(self, headers: Sequence[str]) -> str:
        return ", ".join(
            f"{headers[i]} → {target}" for target, columns in self.targets.items() for i in columns
        )


def _valid_target(target: str) -> bool:
    if target == IGNORE or target in TARGETS:
        return True
    return target.startswith(EXTRA_PREFIX) and bool(target[len(EXTRA_PREFIX) :].strip())


def plan_columns(headers: Sequence[str], overrides: Sequence[str] = ()) -> ColumnPlan:
    """Match headers to fields; `overrides` are `COLUMN=FIELD` (FIELD `-` skips the column)."""
    chosen: dict[int, str] = {}
    for item in overrides:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise ImportProblem("intake.import.bad_map", given=item)
        if not _valid_target(target):
            raise ImportProblem("intake.import.map_unknown_field", field=target, known=TARGETS)
        matches = [i for i, h in enumerate(headers) if h == column] or [
            i for i, h in enumerate(headers) if normalize_header(h) == normalize_header(column)
        ]
        if not matches:
            raise ImportProblem(
                "intake.import.map_unknown_column", column=column, headers=list(headers)
            )
        for i in matches:
            chosen[i] = target
    plan = ColumnPlan()
    for i, header in enumerate(headers):
        found = chosen.get(i) or HEADER_ALIASES.get(normalize_header(header))
        if found == IGNORE:
            continue
        if found is None:
            if header:
                plan.ignored.append(header)
            continue
        plan.targets.setdefault(found, []).append(i)
    if not {"name", "email", *NAME_PARTS} & plan.targets.keys():
        raise ImportProblem("intake.import.no_identity", headers=list(headers))
    return plan


def row_body(plan: ColumnPlan, cells: Sequence[str], default_source: str) -> dict[str, Any]:
    """One row as a LeadPayload body."""

    def cell(target: str) -> str | None:
        for i in plan.targets.get(target, []):
            if i < len(cells) and cells[i].strip():
                return cells[i].strip()
        return None

    body: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for target in plan.targets:
        value = cell(target)
        if value is None or target in NAME_PARTS:
            continue
        if target.startswith(EXTRA_PREFIX):
            extras[target[len(EXTRA_PREFIX) :]] = value
        elif target == "score":
            body["score"] = _score(value)
        elif target == "email":
            body["email"] = unicodedata.normalize("NFKC", value)
        else:
            body[target] = value
    if "name" not in body:
        name = full_name(cell("first_name"), cell("last_name"))
        if name:
            body["name"] = name
    if extras:
        body["fields"] = extras
    body.setdefault("source", default_source)
    return body


def _score(text: str) -> Any:
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return text  # validation says it is not a number


# --- importing ---------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    outcome: str  # created | duplicate | rejected | valid (dry run)
    lead_id: int | None = None
    route: str | None = None
    reason: str | None = None


def import_rows(
    table: Table,
    plan: ColumnPlan,
    *,
    policy: Policy,
    leads: LeadService | None,
    default_source: str = DEFAULT_SOURCE,
) -> Iterator[RowResult]:
    """Hand off each row; with `leads` None (a dry run) only validate and route."""
    width = len(table.headers)
    locale = policy.locale
    for number, cells in table.rows:
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            reason = t("intake.import.too_many_cells", locale, given=len(cells), expected=width)
            yield RowResult(number, "rejected", reason=reason)
            continue
        try:
            payload = validate_lead(row_body(plan, cells, default_source))
        except ValidationError as exc:
            yield RowResult(number, "rejected", reason=_reasons(exc, plan, table.headers, locale))
            continue
        data = payload.to_lead_input(default_source)
        if leads is None:
            route = policy.route_for(data.routing_fields())
            if route is None:
                yield RowResult(
                    number, "rejected", reason=NoRoute(data.routing_fields()).message(locale)
                )
            else:
                yield RowResult(number, "valid", route=route.name)
            continue
        try:
            result = leads.hand_off(data, actor=IMPORT_ACTOR)
        except NoRoute as exc:
            yield RowResult(number, "rejected", reason=exc.message(locale))
            continue
        outcome = "created" if result.created else "duplicate"
        yield RowResult(number, outcome, lead_id=result.lead.id, route=result.lead.route)


def _reasons(exc: ValidationError, plan: ColumnPlan, headers: Sequence[str], locale: str) -> str:
    """Problems named by the file's own column headers, so the row is easy to fix."""
    column_of = {target: headers[columns[0]] for target, columns in plan.targets.items() if columns}
    column_of.setdefault(
        "name", column_of.get("last_name") or column_of.get("first_name") or "name"
    )
    problems = field_problems(exc, locale, column_of)
    return t("intake.import.problem_sep", locale).join(
        t("intake.import.problem", locale, column=name, problem=problem)
        for name, problem in problems.items()
    )


def run_import(
    path: Path,
    *,
    policy: Policy,
    leads: LeadService | None,
    overrides: Sequence[str] = (),
    default_source: str = DEFAULT_SOURCE,
    encoding: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import `path` and report; 0 when every row was taken, 1 when any was rejected.

    Raises ImportProblem (nothing imported) when the file or the mapping is wrong.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    locale = policy.locale
    table = read_table(path, encoding)
    plan = plan_columns(table.headers, overrides)
    print(t("intake.import.reading", locale, path=path.name, encoding=table.encoding), file=out)
    print(t("intake.import.columns", locale, columns=plan.describe(table.headers)), file=out)
    if plan.ignored:
        print(t("intake.import.ignored", locale, columns=", ".join(plan.ignored)), file=out)
    counts = {"created": 0, "duplicate": 0, "rejected": 0, "valid": 0}
    bar = tqdm(
        total=len(table.rows),
        file=err,
        unit=t("intake.import.unit", locale),
        disable=not _is_tty(err),
        leave=False,
    )
    with bar:
        for result in import_rows(
            table, plan, policy=policy, leads=leads, default_source=default_source
        ):
            counts[result.outcome] += 1
            line = t(
                f"intake.import.row_{result.outcome}",
                locale,
                row=result.row,
                lead_id=result.lead_id,
                route=result.route,
                reason=result.reason,
            )
            bar.write(line, file=out)
            bar.update(1)
    total = len(table.rows)
    if leads is None:
        summary = t("intake.import.summary_dry", locale, total=total, **counts)
    else:
        summary = t("intake.import.summary", locale, total=total, **counts)
    print(summary, file=out)
    return 1 if counts["rejected"] else 0


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
