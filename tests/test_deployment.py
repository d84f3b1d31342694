"""What operators deploy with: the Dockerfile, compose.yaml and the systemd unit name only things
that exist in the project (the entry point, its health check, real settings), run as a non-root
user, and keep the data and the keys on separate volumes. Neither can be built here; the unit is
checked by `systemd-analyze verify` where it is installed."""

import asyncio
import secrets
import shutil
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from ruamel.yaml import YAML

from bot.cli import parser
from bot.config import Settings
from tests.support.deployment import KEY_FILES, SETTINGS, unit_settings
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.processes import PROJECT, running, stop

CONSOLE_SCRIPT = "safar"


def load_yaml(text: str) -> Any:
    return YAML(typ="safe").load(text)


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def sub_commands() -> set[str]:
    actions = [a for a in parser()._actions if a.dest == "command"]
    return set(actions[0].choices or {})  # type: ignore[arg-type]


def test_the_container_runs_safar_as_a_non_root_user_with_data_and_keys_on_volumes() -> None:
    steps = instructions(PROJECT / "Dockerfile")
    kinds = [kind for kind, _ in steps]
    assert steps[0][0] == "FROM" and "slim" in steps[0][1]
    user = [args for kind, args in steps if kind == "USER"]
    assert user and user[-1] not in ("root", "0"), "the bot never runs as root"
    assert kinds.index("USER") < kinds.index("ENTRYPOINT")
    entry = [load_yaml(args) for kind, args in steps if kind in ("ENTRYPOINT", "CMD") and "HEALTHCHECK" not in args]
    assert entry[-2:] == [[CONSOLE_SCRIPT], ["run"]]
    assert "run" in sub_commands()
    env = dict(pair.split("=", 1) for kind, args in steps if kind == "ENV" for pair in args.split())
    volumes = next(load_yaml(args) for kind, args in steps if kind == "VOLUME")
    data, keys = volumes
    assert Path(env["DB_PATH"]).parent == Path(data), "the database is on the data volume"
    assert env["CREDENTIALS_DIRECTORY"] == keys, "the keys are read from their own volume"
    assert {name for name in env if not name.startswith(("PYTHON", "PIP"))} <= SETTINGS
    health = next(args for kind, args in steps if kind == "HEALTHCHECK")
    command = load_yaml(health.split("CMD", 1)[1].strip())
    assert command == [CONSOLE_SCRIPT, "healthcheck"] and "healthcheck" in sub_commands()
    assert "METRICS_PORT" in env, "polling mode needs the listener the health check asks"


def test_compose_uses_the_images_volumes_and_health_check() -> None:
    compose = load_yaml((PROJECT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["safar"]
    steps = instructions(PROJECT / "Dockerfile")
    data, keys = next(load_yaml(args) for kind, args in steps if kind == "VOLUME")
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in service["volumes"]}
    assert mounts[data] in compose["volumes"], "the database on a named volume"
    assert mounts[keys] == "./keys" and service["volumes"][1].endswith(":ro"), "the keys apart, read-only"
    assert service["healthcheck"]["test"] == ["CMD", CONSOLE_SCRIPT, "healthcheck"]
    assert set(service["environment"]) <= SETTINGS
    assert "WEBHOOK_SECRET" not in service["environment"] and "BOT_TOKEN" not in service["environment"], (
        "secrets come from the keys volume; an empty variable would override them"
    )
    assert service["restart"] == "unless-stopped"


def test_the_systemd_unit_is_sandboxed_and_keeps_keys_apart() -> None:
    unit = unit_settings((PROJECT / "deploy" / "safar.service").read_text(encoding="utf-8"))
    assert unit["ExecStart"] == [f"/opt/safar/.venv/bin/{CONSOLE_SCRIPT} run"]
    assert unit["DynamicUser"] == ["yes"] and unit["StateDirectory"] == ["safar"]
    assert unit["Restart"] == ["on-failure"] and unit["ProtectSystem"] == ["strict"]
    assert unit["NoNewPrivileges"] == ["yes"]
    credentials = dict(value.split(":", 1) for value in unit["LoadCredential"])
    assert set(credentials) == {"bot_token"} | KEY_FILES and "BOT_TOKEN" in SETTINGS
    assert all(not path.startswith("/var/lib/safar") for path in credentials.values()), "keys apart from data"
    environment = dict(value.split("=", 1) for value in unit["Environment"])
    assert set(environment) <= SETTINGS and environment["DB_PATH"].startswith("/var/lib/safar/")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
async def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    stub = tmp_path / CONSOLE_SCRIPT
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    unit = (PROJECT / "deploy" / "safar.service").read_text(encoding="utf-8")
    (tmp_path / "safar.service").write_text(unit.replace(f"/opt/safar/.venv/bin/{CONSOLE_SCRIPT}", str(stub)))
    process = await asyncio.create_subprocess_exec(
        "systemd-analyze", "verify", "--man=no", str(tmp_path / "safar.service"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    # verify reports unknown keys and bad values as messages, with exit status 0: both must be clean.
    assert (process.returncode, output.decode()) == (0, "")


async def test_token_and_both_keys_are_read_from_credential_files(tmp_path: Path, telegram: FakeTelegram) -> None:
    """As systemd's LoadCredential= and the container's keys volume hand them over."""
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "bot_token").write_text(TOKEN + "\n")
    for name in KEY_FILES:  # as the README makes them: random, owner-only
        (credentials / name).write_text(secrets.token_hex(32) + "\n")
        (credentials / name).chmod(0o600)
    settings = {"BOT_API_BASE_URL": telegram.base_url, "CREDENTIALS_DIRECTORY": str(credentials)}
    async with running(tmp_path, **settings) as process:
        user = telegram.user(language_code="en")
        await user.send("/start")
        assert "✅ English" in (await user.reply(within=30)).labels()
        code, stderr = await stop(process)
    assert code == 0, stderr
    assert (tmp_path / "data" / "safar.sqlite3").exists()
    assert not (tmp_path / "data" / "pseudonym.key").exists(), "no key was generated beside the data"
    assert not (tmp_path / "keys").exists(), "nor in KEY_DIR: both came from the credentials"


def test_keys_come_from_their_own_files_only(tmp_path: Path) -> None:
    """One way in for each key (bot/privacy/secret_keys.py: `pseudonym.key`, `delivery.key`): a credential file
    named after the setting is not a second way, so two files cannot disagree about the key."""
    (tmp_path / "bot_token").write_text(TOKEN + "\n")
    (tmp_path / "pseudonym_key").write_text("k" * 64 + "\n")
    (tmp_path / "delivery_key").write_text("d" * 64 + "\n")
    settings = Settings(_env_file=None, _secrets_dir=[tmp_path])  # type: ignore[call-arg]
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == TOKEN
    assert settings.pseudonym_key is None and settings.delivery_key is None


SECURITY_FLOORS = {"aiohttp": "3.14.1", "cryptography": "44.0.1", "sentry-sdk": "2.8", "jinja2": "3.1.6"}
"""The first version with the fixes each bound's comment in pyproject.toml names."""


def test_every_dependency_floor_includes_the_security_fixes_it_claims() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    for requirement in map(Requirement, listed):
        fixed = SECURITY_FLOORS.get(canonicalize_name(requirement.name))
        if fixed is None:
            continue
        floors = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "~=", "==")]
        assert floors and min(floors) >= Version(fixed), f"{requirement}: below {fixed}"
        assert version(requirement.name) in requirement.specifier, "and what is installed is within the bounds"
