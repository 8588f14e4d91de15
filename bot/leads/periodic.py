"""The scheduler's periodic jobs besides due work (bot.leads.scheduler): the funnel
reports kept ready, closed leads erased after the policy's `privacy.erase_after`, the
weekly report, and the day's listing of the workspace's members. Each is done once
however many processes run it (its own rows say whether it is done), and a failed run
is logged and left to the next: none is ever worth stopping the process for."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Now
from bot.core.policy import Policy
from bot.leads import privacy, weekly_report
from bot.leads.funnel_cache import FRESH_FOR, ReportCache
from bot.leads.funnel_report import PERIOD_WORDS, period_of
from bot.store import people
from bot.store.database import Database

log = logging.getLogger(__name__)

WEEKLY_REPORT_JOB = "baton.digest.weekly"
REPORTS_JOB = "baton.reports.refresh"
ERASE_JOB = "baton.privacy.erase"
PEOPLE_JOB = "baton.people.list"
# The digest is still worth posting if the process was down for a few hours at its
# time, not days later.
WEEKLY_REPORT_GRACE = timedelta(hours=12)
# How often a process asks whether today's listing of the members is queued yet (one
# statement that writes nothing when it is: the listing itself runs once a UTC day).
PEOPLE_CHECK_EVERY = timedelta(hours=1)
# The first check this long after start: not among start-up's own work (connecting to
# Slack, the first requests), and not before the process knows it can reach Slack.
PEOPLE_FIRST_AFTER = timedelta(seconds=30)


class PeriodicJobs:
    def __init__(self, db: Database, policy: Policy, clock: Now) -> None:
        self.db = db
        self.policy = policy
        self.now = clock
        self.first_listing_after = PEOPLE_FIRST_AFTER

    def add_to(self, scheduler: BaseScheduler) -> None:
        """Add the jobs to `scheduler` (before it starts). Triggers are passed built:
        by name APScheduler imports their module on first use, inside start()."""
        # Funnel reports asked for lately are kept ready (bot/leads/funnel_cache.py).
        scheduler.add_job(
            self.refresh_reports,
            IntervalTrigger(seconds=FRESH_FOR.total_seconds(), timezone=UTC),
            id=REPORTS_JOB,
            replace_existing=True,
            coalesce=True,
        )
        # Everyone's language and guest flag known before their first request; the
        # first listing soon after the process starts, once it has started serving.
        first = datetime.now(UTC) + self.first_listing_after
        for job_id, trigger in (
            (f"{PEOPLE_JOB}.on_start", DateTrigger(first, timezone=UTC)),
            (PEOPLE_JOB, IntervalTrigger(seconds=PEOPLE_CHECK_EVERY.total_seconds(), timezone=UTC)),
        ):
            scheduler.add_job(
                self.list_people, trigger, id=job_id, replace_existing=True, coalesce=True
            )
        if self.policy.privacy.erase_after is not None:  # closed leads erased, once each
            scheduler.add_job(
                self.erase_expired,
                IntervalTrigger(hours=1, timezone=UTC),
                id=ERASE_JOB,
                replace_existing=True,
                coalesce=True,
            )
        if self.policy.digest is not None:
            spec = self.policy.digest
            scheduler.add_job(
                self.post_weekly_report,
                CronTrigger(
                    day_of_week=spec.weekly[:3],
                    hour=spec.at.hour,
                    minute=spec.at.minute,
                    timezone=ZoneInfo(self.policy.weekly_report_timezone()),
                ),
                id=WEEKLY_REPORT_JOB,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=int(WEEKLY_REPORT_GRACE.total_seconds()),
            )
            # A digest whose time passed while no process ran is posted on start.
            scheduler.add_job(
                self.post_weekly_report,
                DateTrigger(timezone=UTC),
                id=f"{WEEKLY_REPORT_JOB}.on_start",
                replace_existing=True,
            )

    def refresh_reports(self) -> int:
        """Recompute the funnel reports asked for in the last day; how many."""
        now = self.now()
        tz = ZoneInfo(self.policy.timezone)
        periods = {name: period_of(name, now, tz) for name in PERIOD_WORDS}
        try:
            return ReportCache(self.db, self.policy, self.now).refresh_asked(periods)
        except Exception:
            log.exception("could not refresh the funnel reports")
            return 0

    def erase_expired(self) -> int:
        """The policy's `privacy.erase_after`: erase closed leads past it; how many."""
        try:
            return len(privacy.erase_expired(self.db, self.policy, self.now()))
        except Exception:
            log.exception("could not erase expired leads")
            return 0

    def post_weekly_report(self) -> bool:
        """Queue this week's digest unless another process (or an earlier run) did."""
        try:
            return weekly_report.queue_weekly_report(
                self.db, self.policy, self.now(), WEEKLY_REPORT_GRACE
            )
        except Exception:
            log.exception("queueing the weekly report failed")
            return False

    def list_people(self) -> bool:
        """Queue today's listing of the workspace's members unless another process (or an
        earlier run) did (bot.store.people)."""
        try:
            return people.queue_listing(self.db, self.now())
        except Exception:
            log.exception("queueing the listing of the workspace's members failed")
            return False
