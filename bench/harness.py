"""The benchmark table: each scenario measures ours and its floor or peer in one run.

Machines here are shared and noisy, so a target is a ratio against a floor taken
moments apart, or a percentile with the floor printed beside it.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    scenario: str
    ours: str  # what we measured, with its unit
    floor: str  # the floor or peer measured beside it ("—" when there is none)
    ratio: str  # ours / floor (or floor / ours where bigger is better), "—" otherwise
    target: str
    met: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[bool], list[Row]]  # argument: quick
    about: str


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, about: str
) -> Callable[[Callable[[bool], list[Row]]], Callable[[bool], list[Row]]]:
    def register(fn: Callable[[bool], list[Row]]) -> Callable[[bool], list[Row]]:
        SCENARIOS[name] = Scenario(name, fn, about)
        return fn

    return register


def percentile(samples: Sequence[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def table(rows: Sequence[Row]) -> str:
    headers = ("scenario", "ours", "floor / peer", "ratio", "target", "met?")
    cells = [
        (r.scenario, r.ours, r.floor, r.ratio, r.target, "met" if r.met else "MISSED") for r in rows
    ]
    widths = [
        max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


def markdown(rows: Sequence[Row]) -> str:
    """The table as Markdown, for docs/performance.md."""
    out = [
        "| scenario | ours | floor / peer | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = (r.scenario, r.ours, r.floor, r.ratio, r.target, "met" if r.met else "**missed**")
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


def write_json(rows: Sequence[Row], path: Path, *, quick: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {"quick": quick, "rows": [asdict(r) for r in rows]}, indent=2, ensure_ascii=False
        )
    )
