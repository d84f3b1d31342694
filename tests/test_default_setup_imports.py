"""The default setup (one process, SQLite, no Redis) loads neither the Redis client nor SQLAlchemy:
each costs megabytes of memory on a small server that never uses it.

Each check needs a fresh interpreter; one child runs them all, in the order the setups load the bot
(long polling first, then what the other runners add), so the suite starts one process, not three."""

import json
import subprocess
import sys

PROBE = """
import json, sys
import bot.cli, bot.runtime.app, bot.runtime.polling
polling = sorted(set(sys.modules) & {"aiohttp.web", "bot.observability.liveness", "bot.runtime.webhook", "prometheus_client"})
from bot.understanding.stemming import word_keys
keys = sorted(word_keys("работодателя"))
stemmers = sorted(name for name in sys.modules if name.startswith("snowballstemmer.") and name.endswith("_stemmer"))
import bot.runtime.webhook, bot.runtime.scheduler
clients = sorted({name.split(".")[0] for name in sys.modules} & {"redis", "sqlalchemy", "asyncpg"})
from bot.i18n import load_i18n
from bot.handlers.date_picker import month_names, weekday_names
load_i18n()
names = [(weekday_names(language), month_names(language)) for language in ("tg", "ru", "uz", "en")]
import babel.localedata
locales = sorted(babel.localedata._cache)
print(json.dumps({"polling": polling, "keys": keys, "stemmers": stemmers, "clients": clients, "locales": locales}))
"""


def test_the_default_setup_loads_no_module_it_does_not_use() -> None:
    """One test, so that xdist cannot spread the checks over workers that would each start the child."""
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=600)
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    # The polling, webhook and scheduler runners load no client for PostgreSQL or Redis.
    assert loaded["clients"] == []
    # The default (long polling, METRICS_PORT unset) serves no HTTP: aiohttp's server side, loaded only
    # for the webhook or /healthz, is a megabyte of memory on every small server; so is
    # prometheus_client, whose figures only /metrics shows.
    assert loaded["polling"] == [], "long polling without metrics loads no HTTP server"
    # Safar stems Russian words only; `import snowballstemmer` loads the stemmers of some thirty
    # languages (about 3 MB of memory on every server, scripts/README.md).
    assert "rabotodatel" in loaded["keys"], "an inflected Russian word still meets its stem"
    assert loaded["stemmers"] == [], "no stemmer of another language is loaded"
    # The interface's catalogues and the calendar's weekday and month names load no CLDR locale data
    # from Babel (about 1.8 MB of memory per language).
    assert loaded["locales"] == [], "no Babel locale data is loaded"
