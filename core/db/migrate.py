"""Schema migrations with Alembic, in process, in one real transaction, after a backup.

Alembic itself (about a quarter of a second to import) is loaded only to upgrade: which revisions exist is read from
the migration scripts' `revision = ...` lines, and which one a database holds from its alembic_version table.
"""

from __future__ import annotations

import ast
import functools
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


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            return ast.literal_eval(value)
    return None


@functools.cache
def _revision_graph(versions: Path) -> dict[str, frozenset[str]]:
    """Each revision in `versions` with the revisions it revises, read from the scripts without running them."""
    graph: dict[str, frozenset[str]] = {}
    for script in sorted(versions.glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        revision = _assigned(tree, "revision")
        if not isinstance(revision, str):
            continue
        down = _assigned(tree, "down_revision")
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
