"""The one Settings class: every environment variable Safar reads is named here."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, StringConstraints, field_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

from bot.common.staff_roles import StaffRoles, parse_staff_roles

TELEGRAM_API_BASE_URL = "https://api.telegram.org"
POSTGRESQL_SCHEMES = ("postgresql", "postgresql+asyncpg", "postgres")
SECRETS_DIRECTORIES = ("/run/secrets",)
"""Docker and compose secrets: files named after settings (bot_token, webhook_secret)."""
CREDENTIAL_SETTINGS = frozenset({"bot_token", "webhook_secret", "sentry_dsn", "database_url", "redis_url"})
"""The settings that may come as credential files. The two keys have their own files and rules
(`pseudonym.key`, `delivery.key`: bot/privacy/secret_keys.py), so they are not read here a second way."""
BROADCAST_PROPOSAL_LIFETIME = timedelta(days=1)
"""A broadcast proposal not approved or released by then can no longer be: staff who were told of
it have moved on, and its text may be stale."""
BROADCAST_DELAY_MIN_MINUTES = 60
"""A timed release gives the other staff an hour at least to see a proposal and cancel it."""
BROADCAST_DELAY_MAX_MINUTES = 23 * 60
"""Released before the proposal expires, with an hour to spare for a restart."""


def credential_directories() -> list[Path]:
    """Where secret settings may also come as files named after them, apart from the data:
    systemd's `LoadCredential=` directory (CREDENTIALS_DIRECTORY) and container secrets. The
    environment and `.env` win over both."""
    candidates = (os.environ.get("CREDENTIALS_DIRECTORY"), *SECRETS_DIRECTORIES)
    return [Path(c) for c in candidates if c and Path(c).is_dir()]


class CredentialFiles(SecretsSettingsSource):
    """Credential files for CREDENTIAL_SETTINGS only."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[object, str, bool]:
        if field_name not in CREDENTIAL_SETTINGS:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class Settings(BaseSettings):
    """Settings from the environment and an optional `.env` file in the working directory."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str = TELEGRAM_API_BASE_URL
    db_path: Path = Path("data/safar.sqlite3")
    database_url: SecretStr | None = None
    """`postgresql://user:password@host/name` (or `postgresql+asyncpg://…`): PostgreSQL, shared by
    several bot processes; unset: the SQLite file at DB_PATH. Secret: the URL holds the password."""
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    staff_roles: Annotated[dict[int, frozenset[str]], NoDecode] = Field(default_factory=dict)
    """Roles per staff id: `123:viewer,456:broadcaster+editor` (bot/common/staff_roles.py)."""
    broadcast_delay_minutes: int = Field(default=0, ge=0)
    """0: a broadcast waits for a second staff member's approval. Otherwise (60 to 1380) it goes out
    this many minutes after it was proposed unless a staff member cancels it (or another approves
    it sooner), provided another staff member was told of it."""
    pseudonym_key: SecretStr | None = None
    delivery_key: SecretStr | None = None
    """64 hex characters; else systemd's credential or a file in KEY_DIR (see bot/privacy/secret_keys.py)."""
    key_dir: Path | None = None
    """Where key files are kept and generated; the owner's config directory (~/.config/safar) when unset."""
    credentials_directory: Path | None = None
    """Set by systemd's LoadCredential=: pseudonym.key and delivery.key are looked for there first."""
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    bot_api_timeout_seconds: float = Field(default=30.0, gt=0)
    """A Bot API call with no answer after this long counts as a network error and is retried."""
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    """`json`: one JSON object per line for log collectors, with the same fields as the text lines."""
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    """Polling mode: serve /healthz and /metrics on this port (webhook mode serves them on WEBHOOK_PORT)."""
    metrics_host: str = "127.0.0.1"
    sentry_dsn: SecretStr | None = None
    """Report errors to Sentry (or a compatible service), scrubbed of update contents and ids."""
    content_dir: Path | None = None
    """Where lessons and contacts are read from; the packaged content when unset."""
    reminder_check_seconds: float = Field(default=10.0, gt=0)
    """How often due reminders are looked for."""
    bulk_messages_per_second: float = Field(default=25.0, gt=0, le=30)
    """Reminders and broadcasts, all chats together; the rest of Telegram's ~30/s is left to replies."""
    bulk_seconds_per_chat: float = Field(default=1.0, ge=1.0)
    report_retention_days: int = Field(default=365, ge=1)
    """Reports of suspicious offers older than this are deleted."""
    flood_updates_per_second: float = Field(default=1.0, gt=0)
    """A user sending faster than this (after a burst) has updates dropped and gets one notice. One a
    second is what Telegram lets the bot send into one chat for long (a 429 beyond it)."""
    flood_burst: int = Field(default=10, ge=1)
    """How many updates a user can send at once before the per-second limit applies."""
    max_updates_in_flight: int = Field(default=100, ge=1)
    """Updates handled at once; more wait (polling stops fetching, the webhook answers later). One
    waiting behind its chat's update holds none (bot/middlewares/chat_queues.py)."""
    advert_ocr_command: str = "tesseract"
    """The Tesseract program that reads pictures of job adverts; where it is not found, a picture is
    offered to a counsellor (with the desk) or the person is asked for the advert's text."""
    advert_ocr_workers: int = Field(default=2, ge=1, le=16)
    """Pictures read at once (each a Tesseract process); one person's pictures are read one at a time."""
    advert_ocr_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    """A picture not read in this time is given up (the person is asked for the text)."""
    agency_registry_path: Path | None = None
    """The licensed-agency list (.yaml or .csv); the packaged, empty one when unset."""
    redis_url: SecretStr | None = None
    """`redis://[:password@]host:port/db` or `unix:///path/redis.sock`: conversation state, per-chat
    locks, seen updates and the bulk rate shared by several processes (bot/runtime/shared_state.py). Unset:
    all of that stays in this process and the database. A secret: its password is never logged."""
    bot_username: Annotated[str, StringConstraints(pattern=r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$")] | None = None
    """The bot's @name for links, QR codes and posters; asked of Telegram (getMe) when unset."""
    counsellors_chat_id: int | None = None
    """The counsellors' group (a supergroup with topics, Safar an administrator allowed to manage topics
    and delete messages): people can talk to a person there, anonymously. Unset: no such offer anywhere."""
    counsellors_organisation: str = Field(default="Safar", min_length=1, max_length=100)
    """Who answers, as the consent screen names it."""
    counsellors_hours: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3])-([01]\d|2[0-4])$")] = "09-18"
    """Working hours, whole hours `start-end` in COUNSELLORS_TIME_ZONE, Monday to Friday."""
    counsellors_time_zone: str = "Asia/Dushanbe"
    counsellors_answer_hours: int = Field(default=24, ge=1, le=168)
    """The answer time promised to a person, and after which the group is told a case waits."""
    counsellors_group_messages_per_minute: int = Field(default=20, ge=1, le=20)
    """Messages Safar writes into the counsellors' group a minute, all processes together (Telegram
    refuses more than about 20): people's messages queue for it and are never dropped."""
    case_grace_hours: int = Field(default=48, ge=0, le=720)
    """After a case is closed, counsellors' late answers still reach the person this long; then the
    link between the case and the person's chat is deleted."""
    case_retention_days: int = Field(default=30, ge=1, le=3650)
    """A closed case's topic is deleted, with all its messages, this many days after it closed."""
    counsellors_language: Literal["tg", "ru", "uz", "en"] = "ru"
    """The language of what Safar writes in the counsellors' group (case opened, notices, "not relayed")."""
    counsellors_messages_per_minute: int = Field(default=10, ge=1, le=60)
    """A person in a case can send this many messages a minute; the rest wait, and they are told which."""
    case_block_days: int = Field(default=7, ge=1, le=30)
    """`/block` without a number blocks a case's sender this many days; `/block <days>` at most 30."""
    safar_role: Literal["all", "web", "scheduler"] = "all"
    """`all`: one process does everything. Several processes (docs/deploy.md): `web` handles webhook
    updates only, `scheduler` runs the periodic jobs only (reminders, broadcasts, roll-ups, retention)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        secrets_dir = (
            file_secret_settings.secrets_dir if isinstance(file_secret_settings, SecretsSettingsSource) else None
        )
        return init_settings, env_settings, dotenv_settings, CredentialFiles(settings_cls, secrets_dir=secrets_dir)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        """Accept `ADMIN_IDS=1,2 3` as operators write it, not only JSON."""
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("staff_roles", mode="before")
    @classmethod
    def _parse_staff_roles(cls, value: object) -> object:
        return parse_staff_roles(value) if isinstance(value, str) else value

    @field_validator("broadcast_delay_minutes")
    @classmethod
    def _delay_long_enough(cls, value: int) -> int:
        if value and not BROADCAST_DELAY_MIN_MINUTES <= value <= BROADCAST_DELAY_MAX_MINUTES:
            raise PydanticCustomError(
                "broadcast_delay",
                "0 (a second broadcaster approves every broadcast) or {low} to {high} minutes (at least an hour, so "
                "other staff can see a proposal and cancel it; under a day, when a proposal expires); got {value}",
                {"low": BROADCAST_DELAY_MIN_MINUTES, "high": BROADCAST_DELAY_MAX_MINUTES, "value": value},
            )
        return value

    @property
    def staff(self) -> StaffRoles:
        return StaffRoles(self.admin_ids, self.staff_roles)

    @field_validator("pseudonym_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (a random string; keep it secret and never change it)")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgresql_only(cls, value: SecretStr | None) -> SecretStr | None:
        """Only PostgreSQL: SQLite is chosen by leaving DATABASE_URL unset (and DB_PATH)."""
        if value is None or not value.get_secret_value().strip():
            return None
        scheme = value.get_secret_value().split("://", 1)[0]
        if scheme not in POSTGRESQL_SCHEMES:
            raise ValueError(f"must start with postgresql:// (got {scheme or 'no scheme'}://); unset it to use DB_PATH")
        return value

    @property
    def database_target(self) -> Path | str:
        """Where the data lives: the SQLite file, or the PostgreSQL URL (secret: never log it)."""
        return self.database_url.get_secret_value() if self.database_url else self.db_path

    @field_validator("counsellors_time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (for example Asia/Dushanbe or Europe/Moscow)") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_log_level(cls, value: str) -> str:
        return value.upper()

    @field_validator("bot_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")
