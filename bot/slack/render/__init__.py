"""Block Kit rendering: pure functions from domain objects to Slack messages and views.

Blocks are built with `slack_sdk.models.blocks`, whose `to_dict()` checks Slack's
limits, so a message that Slack would reject fails here, in a test, instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


@dataclass(frozen=True)
class Message:
    """A message: `text` is the notification and fallback text, `blocks` what is shown."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def to_dicts(blocks: Sequence[Block], limit: int = MESSAGE_BLOCKS_MAX) -> list[dict[str, Any]]:
    """Validated block dicts; raises if Slack would refuse them."""
    if len(blocks) > limit:
        raise ValueError(f"{len(blocks)} blocks; Slack allows {limit}")
    return [block.to_dict() for block in blocks]


def with_note(message: Message, note: str) -> Message:
    """`message` with `note` under it in small print, where Slack's limit leaves room."""
    if len(message.blocks) >= MESSAGE_BLOCKS_MAX:
        return message
    block = ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict()
    return Message(message.text, [*message.blocks, block])
