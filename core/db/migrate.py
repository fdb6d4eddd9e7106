"""Schema migrations with Alembic, in process, in one real transaction, after a backup.

Alembic itself (about a quarter of a second to import) is loaded only to upgrade: which revisions exist is read from
the migration scripts' `revision = ...` lines, and which one a database holds from its alembic_version table.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


# A module-level `revision = "..."` or `down_revision = ...` line of a migration script, as Alembic writes them.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def _revision_graph(versions: Path) -> dict[str, frozenset[str]]:
    """Each revision in `versions` with the revisions it revises, read from the scripts' assignment lines without
    running or parsing them: every opening of an office asks for the head, and parsing the 90 kB initial schema
    took 50-120 ms of that."""
    graph: dict[str, frozenset[str]] = {}
    for script in sorted(versions.glob("*.py")):
        found: dict[str, object] = {}
        for match in _ASSIGNMENT.finditer(script.read_text(encoding="utf-8")):
            found.setdefault(match[1], ast.literal_eval(match[2]))
        revision, down = found.get("revision"), found.get("down_revision")
        if not isinstance(revision, str):
            continue
        downs = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple | list) else ()
        graph[revision] = frozenset(str(d) for d in downs)
    return graph


def head_revision() -> str:
    graph = _revision_graph(MIGRATIONS_DIR / "versions")
    revised = set().union(*graph.values()) if graph else set()
    heads = sorted(set(graph) - revised)
    if len(heads) != 1:  # pragma: no cover - the package always ships one line of migrations
        raise RuntimeError(f"expected one migration head, found {heads or 'none'}")
    return heads[0]


def known_revisions() -> frozenset[str]:
    return frozenset(_revision_graph(MIGRATIONS_DIR / "versions"))


def current_revisions(connection: sa.Connection) -> frozenset[str]:
    if not sa.inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(str(v) for v in connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def upgrade_to_head(connection: sa.Connection) -> None:
    """Run inside the caller's transaction so that a failure anywhere leaves the schema as it was."""
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
