"""The files for the multi-process layout (docs/deploy.md) name only real settings and roles, keep
the keys apart as the single-process files do, and every role they start gets what start-up asks
of it (bot/runtime/process_roles.py). Neither Docker nor systemd runs here; the unit is verified where
`systemd-analyze` is installed."""

import asyncio
import shutil
from pathlib import Path
from typing import Any, get_args

import pytest
from ruamel.yaml import YAML

from bot.config import Settings
from bot.runtime.process_roles import Role, role_problem
from tests.support.deployment import KEY_FILES, SETTINGS, unit_settings
from tests.support.processes import PROJECT

ROLES = set(get_args(Role))


def compose() -> Any:
    return YAML(typ="safe").load((PROJECT / "deploy" / "compose.cluster.yaml").read_text(encoding="utf-8"))


def settings_from(environment: dict[str, str]) -> Settings:
    values = {name.lower(): value for name, value in environment.items() if value}
    return Settings(_env_file=None, bot_token="1:x", webhook_secret="s", **values)  # type: ignore[call-arg]


def test_compose_runs_web_workers_and_schedulers_that_start_up_accepts() -> None:
    services = compose()["services"]
    assert services["web"]["deploy"]["replicas"] >= 2 and services["scheduler"]["deploy"]["replicas"] >= 1
    for name in ("web", "scheduler"):
        service = services[name]
        environment = {key: str(value) for key, value in service["environment"].items()}
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS
        assert environment["SAFAR_ROLE"] == name and name in ROLES
        filled = {key: value.replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "pw")
                  .replace("${WEBHOOK_DOMAIN:?set WEBHOOK_DOMAIN}", "bot.example.org")
                  for key, value in environment.items() if not value.startswith("${")}  # fmt: skip
        assert role_problem(settings_from(filled)) is None, name
        assert service["volumes"] == ["../keys:/etc/safar/keys:ro"], "the keys apart, read-only, the same for all"
        assert service["healthcheck"]["test"] == ["CMD", "safar", "healthcheck"]
        assert "BOT_TOKEN" not in environment and "WEBHOOK_SECRET" not in environment
    caddyfile = (PROJECT / "deploy" / "Caddyfile.cluster").read_text(encoding="utf-8")
    assert "reverse_proxy /telegram/webhook" in caddyfile and "dynamic a web 8080" in caddyfile
    assert "./Caddyfile.cluster:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]


def test_the_template_unit_is_the_sandboxed_unit_with_a_role_per_instance() -> None:
    single = unit_settings((PROJECT / "deploy" / "safar.service").read_text(encoding="utf-8"))
    template = unit_settings((PROJECT / "deploy" / "safar@.service").read_text(encoding="utf-8"))
    assert template["EnvironmentFile"] == ["/etc/safar/safar.env", "/etc/safar/%i.env"]
    assert "DB_PATH" not in " ".join(template.get("Environment", []))
    credentials = dict(value.split(":", 1) for value in template["LoadCredential"])
    assert set(credentials) == {"bot_token", "webhook_secret"} | KEY_FILES
    sandbox = {key for key in single if key.startswith(("Protect", "Restrict", "Private", "SystemCall", "No"))}
    assert all(template[key] == single[key] for key in sandbox), "as hardened as the single unit"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
async def test_systemd_analyze_verifies_the_template(tmp_path: Path) -> None:
    stub = tmp_path / "safar"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    unit = (PROJECT / "deploy" / "safar@.service").read_text(encoding="utf-8")
    (tmp_path / "safar@web-8081.service").write_text(unit.replace("/opt/safar/.venv/bin/safar", str(stub)))
    process = await asyncio.create_subprocess_exec(
        "systemd-analyze", "verify", "--man=no", str(tmp_path / "safar@web-8081.service"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
