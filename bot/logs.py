"""Logging that never writes who someone is or what they typed, at any LOG_LEVEL.

Safar's own messages carry no chat id, user id, username or text. Libraries are less careful at
DEBUG: aiosqlite logs every statement with its parameters (chat ids, typed agency names), and
aiogram, aiohttp and APScheduler log updates and requests. Their loggers are therefore held at
WARNING (aiosqlite, aiogram's middlewares, which name callback query ids) or INFO (the rest,
whose INFO lines name update numbers only), whatever
LOG_LEVEL says; LOG_LEVEL=DEBUG makes only Safar's own loggers talk more.
"""

import logging

QUIET_LIBRARIES = {
    "aiosqlite": logging.WARNING,
    "aiogram": logging.INFO,
    "aiogram.middlewares": logging.WARNING,  # names each callback query's id at INFO
    "aiohttp": logging.INFO,
    "apscheduler": logging.INFO,
    "asyncio": logging.INFO,
}


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    chosen = logging.getLevelName(level)
    for name, floor in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(floor, chosen if isinstance(chosen, int) else logging.INFO))
