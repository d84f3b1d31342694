"""One TLS context for every Bot API session of the process.

aiogram's session builds its own context from certifi's bundle, reading ~140 CA certificates: about
40 ms of CPU and its own certificate store for each session, and the bot opens two (updates and bulk
sending), a test dozens. A context holds no per-connection state, so they can share one.
"""

import ssl
from functools import cache

import certifi


@cache
def shared_tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())
