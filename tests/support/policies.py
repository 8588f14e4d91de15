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
