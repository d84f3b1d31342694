# Safar in a container: one process, long polling by default (a webhook when WEBHOOK_URL is set).
# The database lives on the data volume; the token and the two keys (bot_token, pseudonym.key,
# delivery.key) on their own read-only volume, read as credential files (bot/config.py, bot/privacy/secret_keys.py),
# so a copy of the data never carries them. Create both keys before the first start
# (docs/operations.md): the keys volume is read-only, so none can be generated in the container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/safar --create-home safar \
    && mkdir -p /var/lib/safar/data /etc/safar/keys \
    && chown safar:safar /var/lib/safar/data \
    && chmod 0700 /var/lib/safar/data

WORKDIR /opt/safar
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-compile '.[sentry]'

USER safar
WORKDIR /var/lib/safar
ENV DB_PATH=/var/lib/safar/data/safar.sqlite3 \
    CREDENTIALS_DIRECTORY=/etc/safar/keys \
    METRICS_PORT=9100 \
    METRICS_HOST=127.0.0.1 \
    LOG_FORMAT=json
VOLUME ["/var/lib/safar/data", "/etc/safar/keys"]

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["safar", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["safar"]
CMD ["run"]
