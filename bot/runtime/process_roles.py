"""Which part of the work a process does (SAFAR_ROLE), and the combinations that cannot work.

One process (`all`, the default) does everything, on the SQLite file or on PostgreSQL. Several
processes split the work (docs/deploy.md): `web` workers behind a load balancer handle webhook
updates, `scheduler` processes run the periodic jobs. They share one truth, so the split needs a
database every process can reach (PostgreSQL) and Redis for what must be shared while updates are
handled (conversation state, one user's updates in order, the update ids already handled, the bulk
send rate of the one bot token).
"""

import math
from dataclasses import dataclass
from typing import Literal

from bot.config import Settings

Role = Literal["all", "web", "scheduler"]
ALL: Role = "all"
WEB: Role = "web"
SCHEDULER: Role = "scheduler"


def handles_updates(role: Role) -> bool:
    return role in (ALL, WEB)


def runs_shared_jobs(role: Role) -> bool:
    """Reminders, broadcasts, roll-ups, retention: the work of the whole bot, not of one process."""
    return role in (ALL, SCHEDULER)


def shares_the_database(settings: Settings) -> bool:
    """True when other processes may use the same database (PostgreSQL): nothing at start-up may
    assume that what it finds there was left by a process of its own that died."""
    return settings.database_url is not None


@dataclass(frozen=True)
class Claims:
    """How many bulk messages a run claims at once, and for how long its lease holds them."""

    reminders: int
    broadcast: int
    lease_seconds: int


SINGLE_OWNER_CLAIMS = Claims(reminders=500, broadcast=100, lease_seconds=600)
"""On the SQLite file the only process releases every claim when it starts again, so a long lease costs nothing."""
SHARED_LEASE_SECONDS = 30
"""On a shared database a dead scheduler's claims wait for their lease to run out before another
scheduler sends them: short, yet several times what a batch of two seconds' sending takes even
when a few schedulers share the rate."""


def claims(settings: Settings) -> Claims:
    if not shares_the_database(settings):
        return SINGLE_OWNER_CLAIMS
    batch = math.ceil(2 * settings.bulk_messages_per_second)
    return Claims(reminders=batch, broadcast=batch, lease_seconds=SHARED_LEASE_SECONDS)


def role_problem(settings: Settings) -> str | None:
    """Why this role cannot run with these settings (one line for the operator), or None."""
    role = settings.safar_role
    if role == ALL:
        return None
    if settings.database_url is None:
        return (
            f"SAFAR_ROLE={role} runs beside other Safar processes, but the SQLite file belongs to one process: "
            "set DATABASE_URL (PostgreSQL) for all of them, or use SAFAR_ROLE=all for a single process."
        )
    if settings.redis_url is None:
        return (
            f"SAFAR_ROLE={role} needs REDIS_URL: several processes share conversations, handled update ids and "
            "the bot's send rate through Redis (docs/deploy.md)."
        )
    if role == WEB and not settings.webhook_url:
        return "SAFAR_ROLE=web serves Telegram's webhook: set WEBHOOK_URL and WEBHOOK_SECRET."
    if role == SCHEDULER and settings.metrics_port is None:
        return "SAFAR_ROLE=scheduler serves /healthz and /metrics on METRICS_PORT: set it, so it can be watched."
    return None
