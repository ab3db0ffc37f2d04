"""Production containers: docker-compose.yml and the Dockerfile refer to what the project has."""

import ast
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
WSGI_TARGET = re.compile(r"^(?P<module>[A-Za-z_][\w.]*):(?P<name>[A-Za-z_]\w*)$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def command_words(service: dict) -> list[str]:
    """Every word of a service's command, with ``sh -c "..."`` scripts split too."""
    command = service.get("command", [])
    parts = shlex.split(command) if isinstance(command, str) else list(command)
    words = []
    for part in parts:
        words += shlex.split(part)
    return words


def module_file(dotted: str) -> Path:
    return ROOT.joinpath(*dotted.split(".")).with_suffix(".py")


def module_defines(dotted: str, name: str) -> bool:
    tree = ast.parse(module_file(dotted).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return True
    return False


def assert_gunicorn_target_exists(words: list[str]) -> None:
    target = WSGI_TARGET.match(words[words.index("gunicorn") + 1])
    assert target, words
    assert module_file(target["module"]).is_file(), target["module"]
    assert module_defines(target["module"], target["name"])


def test_compose_defines_the_five_production_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_database_is_postgresql_16_or_later_with_a_volume_and_a_healthcheck(compose):
    db = compose["services"]["db"]
    image = re.fullmatch(r"postgres:(\d+)(?:[.\-][\w.\-]*)?", db["image"])
    assert image and int(image[1]) >= 16, db["image"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:7")
    assert "ping" in redis["healthcheck"]["test"]


def test_app_services_use_production_settings_from_env_and_wait_for_healthy_db_and_redis(
    compose,
):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["build"] == "."
        env_files = service["env_file"]
        assert ".env" in ([env_files] if isinstance(env_files, str) else env_files)
        settings_module = service["environment"]["DJANGO_SETTINGS_MODULE"]
        assert settings_module == "portal.settings.production"
        assert module_file(settings_module).is_file()
        for dependency in ("db", "redis"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy"


def test_web_migrates_then_serves_the_wsgi_application_with_gunicorn(compose):
    words = command_words(compose["services"]["web"])
    assert words.index("migrate") < words.index("gunicorn")
    assert words[words.index("migrate") - 1] == "manage.py"
    assert_gunicorn_target_exists(words)
    assert "portal.wsgi:application" in words


def test_worker_and_beat_run_the_portal_celery_app(compose):
    for name in ("worker", "beat"):
        words = command_words(compose["services"][name])
        assert words[:4] == ["celery", "-A", "portal", name]
    assert module_defines("portal.celery", "app")
    assert "from portal.celery import app" in (ROOT / "portal" / "__init__.py").read_text()


def test_management_commands_named_in_compose_and_dockerfile_exist(compose, dockerfile):
    commands = get_commands()
    scripts = [command_words(s) for s in compose["services"].values()]
    scripts += [shlex.split(args) for keyword, args in dockerfile if keyword == "RUN"]
    named = [
        words[i + 1] for words in scripts for i, w in enumerate(words[:-1]) if w == "manage.py"
    ]
    assert {"migrate", "collectstatic", "compilemessages"} <= set(named)
    for name in named:
        assert name in commands, name
    assert (ROOT / "manage.py").is_file()


def test_dockerfile_builds_on_python_311_slim_with_the_libraries_weasyprint_needs(dockerfile):
    assert ("FROM", "python:3.11-slim") in dockerfile
    runs = " ".join(args for keyword, args in dockerfile if keyword == "RUN")
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "fonts-dejavu",
        "gettext",
    ):
        assert package in runs
    assert "pip install ." in runs
    for keyword, args in dockerfile:
        if keyword == "COPY":
            *sources, _destination = shlex.split(args)
            for source in sources:
                assert source == "." or (ROOT / source).exists(), source


def test_dockerfile_cmd_and_entrypoint_refer_to_existing_files(dockerfile):
    for keyword, args in dockerfile:
        if keyword not in ("CMD", "ENTRYPOINT"):
            continue
        words = json.loads(args)  # exec form, so that signals reach the process
        if words[0] == "gunicorn":
            assert_gunicorn_target_exists(words)
        for word in words:
            if word.endswith((".sh", ".py")) or (word.startswith(("./", "/app/"))):
                assert (ROOT / word.removeprefix("/app/").removeprefix("./")).is_file(), word
    assert any(keyword == "CMD" for keyword, _ in dockerfile)
    assert ("USER", "portal") in dockerfile


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".venv", ".git", "var", "node_modules"} <= ignored
