"""The pacer: about one post a second per channel, and Slack's Retry-After."""

from __future__ import annotations

from bot.delivery.pacing import POST_MESSAGE, Pacer


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_posts_to_one_channel_are_an_interval_apart_counted_from_the_answer() -> None:
    ticks = Ticks()
    pacer = Pacer(1.0, clock=ticks)
    assert pacer.channel_wait("C1") == 0
    ticks.now += 0.3  # the call took 0.3 s
    pacer.called(POST_MESSAGE, "C1")
    assert pacer.channel_wait("C1") == 1.0
    assert pacer.channel_wait("C2") == 0  # other channels are not held
    assert pacer.wait_time("chat.update", "C1") == 0  # nor other methods
    ticks.now += 0.6
    assert round(pacer.channel_wait("C1"), 6) == 0.4


def test_retry_after_holds_the_channel_for_post_message_and_the_method_otherwise() -> None:
    ticks = Ticks()
    pacer = Pacer(0, clock=ticks)
    pacer.rate_limited(POST_MESSAGE, "C1", 30)
    pacer.rate_limited("views.publish", None, 5)
    assert pacer.channel_wait("C1") == 30 and pacer.channel_wait("C2") == 0
    assert pacer.wait_time("views.publish") == 5
    assert pacer.wait_time("views.publish", "U1") == 5
    ticks.now += 31
    assert pacer.channel_wait("C1") == 0 and pacer.wait_time("views.publish") == 0


def test_no_interval_means_no_pacing() -> None:
    pacer = Pacer(0)
    pacer.called(POST_MESSAGE, "C1")
    assert pacer.channel_wait("C1") == 0
