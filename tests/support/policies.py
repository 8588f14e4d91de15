"""Policy files used across the tests."""

STANDARD = """
locale: en
timezone: Asia/Tokyo
calendars:
  tokyo-office:
    timezone: Asia/Tokyo
    hours: {mon-fri: "09:00-18:00"}
    holidays: JP
roles:
  managers: [U0MANAGER1]
  reps: []
  marketers: [U0MKT1]
routes:
  - name: enterprise
    when: {segment: enterprise}
    channel: C0ENTERPRISE
    calendar: tokyo-office
    claim_within: 15m
    first_touch_within: 2h
    remind_before: 5m
    escalate:
      - after: 0m
        notify: [U0MANAGER1]
      - after: 30m
        notify: [managers]
        repost: true
  - name: default
    channel: C0SALES
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    escalate:
      - after: 0m
        notify: [managers]
"""


_SEGMENT_ROUTE = """
  - name: {name}
    when: {{segment: {name}}}
    channel: C0{channel}
    calendar: always
    claim_within: 30m
    first_touch_within: 1d
    escalate: [{{after: 0m, notify: [managers]}}]
"""


def pooled_and_claimed(
    assign: str, *, pooled: str = "pooled", roles: str = "managers: [U0MANAGER1]", extra: str = ""
) -> str:
    """A policy with a route `pooled` whose leads are assigned (`assign`: its `assign:`
    block) and a route `claimed` left to Claim, each taking the leads of the segment of
    its name; `extra`: more top-level sections (calendars, rep_calendars)."""
    pooled_route = _SEGMENT_ROUTE.format(name=pooled, channel="POOL") + f"    assign: {assign}\n"
    claimed_route = _SEGMENT_ROUTE.format(name="claimed", channel="SALES")
    return f"""
timezone: Asia/Tokyo
roles: {{{roles}}}
{extra}
routes:{pooled_route}{claimed_route}"""
