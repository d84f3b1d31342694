"""Log lines as text for people or as JSON for log collectors, with the same fields either way.

What is logged never holds an id or a text a user typed (a rule for every `log.*` call in the
code); the format changes only how the same fields are written.
"""

import logging

FIELDS = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, log_format: str) -> None:
    """Root logging for `safar run`: text (`asctime levelname name: message`) or one JSON object a line."""
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        # The same four fields as the text format, by the same names; an exception adds exc_info.
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter(FIELDS))
    logging.basicConfig(level=level, handlers=[handler], force=True)
