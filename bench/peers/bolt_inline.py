"""The 50-way race's second floor: a Bolt app whose `lead_claim` listener only acks
(inline, `process_before_response=True`), served by waitress with as many threads as
`baton serve` has. What fifty signed clicks at once cost with no claim behind them.

    python -m bench.peers.bolt_inline PORT
"""

from __future__ import annotations

import logging
import sys

from waitress import serve

from bench.scenarios.claim import bare_bolt_web
from bot.server import HTTP_THREADS

if __name__ == "__main__":
    # waitress warns at every queued request ("Task queue depth is N"): a burst is the point.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = bare_bolt_web("http://127.0.0.1:9", process_before_response=True)
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=HTTP_THREADS, _quiet=True)
