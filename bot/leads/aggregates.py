"""Aggregates both databases answer alike, for the reports: a conditional count, the
median of a span per group (PostgreSQL's percentile_cont; SQLite numbers the spans with
window functions), and the most frequent value per group. Each is one query, grouped in
the database.

`source` says what a query selects from when it is not the table of its columns alone
(a join); the where clauses are the caller's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    case,
    extract,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session


def sum_if(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def medians(
    session: Session,
    group: Any,
    start: Any,
    end: Any,
    where: list[ColumnElement[bool]],
    source: FromClause | None = None,
) -> dict[str | None, timedelta]:
    """Per group, the median of `end - start` over the rows `where` picks that have an
    `end`."""
    where = [*where, end.is_not(None)]
    if session.get_bind().dialect.name == "postgresql":
        epoch = extract("epoch", end - start)
        median = func.percentile_cont(0.5).within_group(epoch)
        query = _from(select(group, median), source)
        found = session.execute(query.where(*where).group_by(group)).all()
        return {key: timedelta(seconds=round(float(v))) for key, v in found if v is not None}
    # SQLite has no percentile function: number each group's spans in order and average
    # the middle one or two (window functions, still one pass in the database).
    seconds = (func.julianday(end) - func.julianday(start)) * 86400.0
    spans = (
        _from(
            select(
                group.label("grp"),
                seconds.label("span"),
                func.row_number().over(partition_by=group, order_by=seconds).label("rn"),
                func.count().over(partition_by=group).label("n"),
            ),
            source,
        )
        .where(*where)
        .subquery()
    )
    middle = (spans.c.rn * 2 >= spans.c.n) & (spans.c.rn * 2 <= spans.c.n + 2)
    found = session.execute(
        select(spans.c.grp, func.avg(spans.c.span)).where(middle).group_by(spans.c.grp)
    ).all()
    return {key: timedelta(seconds=round(float(v))) for key, v in found if v is not None}


def top(
    session: Session,
    group: Any,
    value: Any,
    where: list[ColumnElement[bool]],
    source: FromClause | None = None,
) -> dict[str | None, str]:
    """Per group, the most frequent `value` (a reason) of the rows `where` picks (ties: the
    first by name; no value counts as "other")."""
    found = session.execute(
        _from(select(group, value, func.count().label("n")), source)
        .where(*where)
        .group_by(group, value)
        .order_by(literal_column("n").desc(), value)
    ).all()
    top: dict[str | None, str] = {}
    for key, reason, _n in found:
        top.setdefault(key, reason or "other")
    return top


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


def _from(query: _Query, source: FromClause | None) -> _Query:
    return query if source is None else query.select_from(source)
