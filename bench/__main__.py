"""`python -m bench [name ...] [--quick]`: run the benchmarks, print the table, write JSON."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from bench import scenarios  # noqa: F401  (registers every scenario)
from bench.harness import SCENARIOS, Row, markdown, table, write_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"scenarios to run (default all): {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument(
        "--json", default="bench/results/latest.json", help="where to write the table"
    )
    parser.add_argument("--markdown", help="also write the table as Markdown to this file")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    rows: list[Row] = []
    broken: list[str] = []
    for name in args.names or list(SCENARIOS):
        began = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(SCENARIOS[name].run(args.quick))
        except Exception as exc:  # one broken scenario must not hide the others' rows
            traceback.print_exc()
            broken.append(name)
            rows.append(Row(name, f"error: {type(exc).__name__}", "—", "—", "runs", False))
        print(f"  {name} took {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    print(table(rows))
    write_json(rows, Path(args.json), quick=args.quick)
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows) + "\n", encoding="utf-8")
    if broken:  # a benchmark that no longer runs fails the quick run too
        print(f"broken: {', '.join(broken)}", file=sys.stderr)
        return 2
    # --quick checks that the benchmarks still work; targets are judged by the full run,
    # on a machine quiet enough to judge them.
    return 0 if all(r.met for r in rows) or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
