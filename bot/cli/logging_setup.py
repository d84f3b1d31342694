"""Logging that never writes who someone is or what they typed, at any LOG_LEVEL.

Safar's own messages carry no chat id, user id, username or text. Libraries are less careful at
DEBUG: aiosqlite logs every statement with its parameters (chat ids, typed agency names), and
aiogram, aiohttp and APScheduler log updates and requests. Their loggers are therefore held at
WARNING (aiosqlite, aiogram's middlewares, which name callback query ids) or INFO (the rest,
whose INFO lines name update numbers only), whatever
LOG_LEVEL says; LOG_LEVEL=DEBUG makes only Safar's own loggers talk more.

Lines are text for people or JSON for log collectors (LOG_FORMAT), with the same fields either
way: the format changes only how the same fields are written.
"""

import logging

FIELDS = "%(asctime)s %(levelname)s %(name)s: %(message)s"

QUIET_LIBRARIES = {
    "aiosqlite": logging.WARNING,
    "sqlalchemy": logging.WARNING,  # PostgreSQL: statements and pool events at INFO and DEBUG
    "asyncpg": logging.WARNING,
    "aiogram": logging.INFO,
    "aiogram.middlewares": logging.WARNING,  # names each callback query's id at INFO
    "aiohttp": logging.INFO,
    "apscheduler": logging.INFO,
    "asyncio": logging.INFO,
}


def configure_logging(level: str, log_format: str = "text") -> None:
    """Root logging for `safar run`: text (`asctime levelname name: message`) or one JSON object a line."""
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        # The same four fields as the text format, by the same names; an exception adds exc_info.
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter(FIELDS))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    chosen = logging.getLevelName(level)
    for name, floor in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(floor, chosen if isinstance(chosen, int) else logging.INFO))
