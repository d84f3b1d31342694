"""The default setup (one process, SQLite, no Redis) loads neither the Redis client nor SQLAlchemy:
each costs megabytes of memory on a small server that never uses it."""

import subprocess
import sys

PROBE = """
import sys
import bot.cli, bot.runtime.app, bot.runtime.polling, bot.runtime.webhook, bot.runtime.scheduler
print(" ".join(sorted({name.split(".")[0] for name in sys.modules} & {"redis", "sqlalchemy", "asyncpg"})))
"""


def test_the_default_setup_loads_no_client_for_postgresql_or_redis() -> None:
    loaded = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == []


POLLING_PROBE = """
import sys
import bot.cli, bot.runtime.app, bot.runtime.polling
print(" ".join(sorted(set(sys.modules) & {"aiohttp.web", "bot.observability.liveness", "bot.runtime.webhook", "prometheus_client"})))
"""


def test_long_polling_without_metrics_loads_no_http_server() -> None:
    """The default (long polling, METRICS_PORT unset) serves no HTTP: aiohttp's server side, loaded
    only for the webhook or /healthz, is a megabyte of memory on every small server; so is
    prometheus_client, whose figures only /metrics shows."""
    loaded = subprocess.run([sys.executable, "-c", POLLING_PROBE], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == []


STEMMER_PROBE = """
import sys
import bot.cli, bot.runtime.app, bot.runtime.polling
from bot.understanding.stemming import word_keys
loaded = sorted(name for name in sys.modules if name.startswith("snowballstemmer.") and name.endswith("_stemmer"))
print(" ".join(sorted(word_keys("работодателя"))), "|", " ".join(loaded))
"""


def test_the_stemmer_loads_russian_alone() -> None:
    """Safar stems Russian words only; `import snowballstemmer` loads the stemmers of some thirty
    languages (about 3 MB of memory on every server, scripts/README.md)."""
    keys, loaded = subprocess.run(
        [sys.executable, "-c", STEMMER_PROBE], capture_output=True, text=True, check=True
    ).stdout.split("|")
    assert "rabotodatel" in keys.split(), "an inflected Russian word still meets its stem"
    assert loaded.split() == [], "no stemmer of another language is loaded"
