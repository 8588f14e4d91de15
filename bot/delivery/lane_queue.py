"""This process's queue of delivery work: one lane per channel (or per row, for rows that
need no pacing), each worked one item at a time in order (bot.delivery.loop)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class LaneItem:
    """One unit of work in a lane: a row, or the card.post rows of one flood list."""

    ids: list[int]
    lane: str
    channel: str | None  # the channel whose posting pace the lane follows
    paced: bool = True
    flood_list: bool = False
    route: str | None = None  # the route of the row's lead, for the logs


@dataclass
class Lanes:
    queues: dict[str, deque[LaneItem]] = field(default_factory=dict)
    busy: dict[str, LaneItem] = field(default_factory=dict)

    def queued_ids(self) -> set[int]:
        return {i for q in self.queues.values() for item in q for i in item.ids}

    def in_flight_ids(self) -> set[int]:
        return {i for item in self.busy.values() for i in item.ids}

    def count(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def drop(self, ids: set[int]) -> None:
        for lane, queue in list(self.queues.items()):
            kept = deque(item for item in queue if not ids.intersection(item.ids))
            if kept:
                self.queues[lane] = kept
            else:
                del self.queues[lane]
