"""Shared fixtures: a migrated project, daphne on a port, headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import ROOT, Daphne, Project, running
from tests.support.services import require_binary, require_service

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
DEMO_LIBRARY = ROOT / "demo" / "library"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Hashed, compressed static files, as pages link and ServeStatic serves them (made again when stale).

    Before collection: test modules import the routing table, whose ServeStatic
    lists the collected files when it is built.
    """
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = [
        path for folder in settings.STATICFILES_DIRS for path in Path(folder).rglob("*") if path.is_file()
    ]
    built = manifest.stat().st_mtime if manifest.exists() else 0
    if any(path.stat().st_mtime > built for path in sources):
        call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A private var dir with a migrated SQLite database."""
    proj = Project(var_dir=tmp_path / "var")
    proj.var_dir.mkdir()
    proj.manage("migrate", "--noinput")
    return proj


@pytest.fixture
def server(project: Project) -> Iterator[Daphne]:
    """daphne serving the project on a free port (empty catalog)."""
    yield from running(project)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A database loaded with the bundled demo library, shared by a session."""
    proj = Project(var_dir=tmp_path_factory.mktemp("demo") / "var")
    proj.var_dir.mkdir()
    proj.manage("migrate", "--noinput")
    proj.manage("import_library", str(DEMO_LIBRARY))
    return proj


@pytest.fixture(scope="session")
def demo_server(demo_project: Project) -> Iterator[Daphne]:
    """daphne serving the demo library, shared by a session (do not mutate it)."""
    yield from running(demo_project)


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (never its own download).

    Module-scoped: Playwright's sync API holds an event loop while it runs,
    which async tests in other modules need free.
    """
    require_binary(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: object) -> Iterator[object]:
    context = chromium_browser.new_context()  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway database on the local PostgreSQL (trust auth), dropped afterwards."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    import uuid

    import psycopg

    name = f"byeol_test_{uuid.uuid4().hex[:10]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
