"""The shared office on a PostgreSQL server: migrations under a lock, newer schemas refused, a clear message for an
unreachable server, and many writers keeping the audit chain and each other's edits intact."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.cli import run
from core.db.engine import Database, open_database
from core.db.errors import DatabaseUnreachable, NewerSchema
from core.db.migrate import head_revision
from core.db.text_search import pg_trigram_index_names
from core.domain.audit import AuditEntry, verify_chain
from core.domain.organisations import Organisation, OrgType
from core.services.records import EditConflict, create_record, update_record
from tests.pg_fixtures import PgServer


@pytest.fixture
def office(pg_url: str) -> Iterator[Database]:
    with open_database(pg_url) as db:
        yield db


def revisions(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        found = list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    return found


def run_together(target: Callable[..., None], calls: list[tuple[object, ...]]) -> list[BaseException]:
    """Run target(*args) for each args in its own thread, all at once; the exceptions they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def guarded(*args: object) -> None:
        start.wait()
        try:
            target(*args)
        except BaseException as exc:  # handed back to the test
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_clients_starting_together_migrate_an_empty_database_once(pg_server: PgServer) -> None:
    url = pg_server.new_database(template=None)
    opened: list[Database] = []
    errors = run_together(lambda: opened.append(open_database(url)), [(), ()])
    for db in opened:
        db.close()
    assert errors == []
    assert len(opened) == 2
    assert revisions(url) == [head_revision()]
    pg_server.drop(url)


def test_a_database_on_a_newer_schema_is_refused_and_left_unchanged(office: Database, pg_url: str) -> None:
    with office.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(NewerSchema, match="newer version"):
        open_database(pg_url)
    assert revisions(pg_url) == ["9999_from_the_future"]


def test_the_action_log_has_trigram_indexes_where_pg_trgm_can_be_created(office: Database) -> None:
    with office.read() as session:
        names = set(session.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'action'")).scalars())
    assert pg_trigram_index_names() <= names


def test_an_unreachable_server_gives_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://liaison@127.0.0.1:{port}/office"
    with pytest.raises(DatabaseUnreachable) as info:
        open_database(url)
    message = str(info.value)
    assert message.startswith(f"Cannot connect to the office database at 127.0.0.1:{port}/office: ")
    assert "\n" not in message
    for command in ("check", "init"):
        assert run(["--db", url, command]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"cyberdesk: Cannot connect to the office database at 127.0.0.1:{port}/office: ")
        assert err.count("\n") == 1


def test_the_audit_trail_records_the_login(office: Database) -> None:
    with office.write() as session:
        create_record(session, Organisation, {"name": "Ministry", "org_type": OrgType.AGENCY})
    with office.read() as session:
        actor = session.scalars(sa.select(AuditEntry.actor).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert office.login == "postgres"
    assert actor.endswith("(postgres)") or actor == "postgres"


def test_concurrent_writers_on_two_connections_keep_one_audit_chain(office: Database, pg_url: str) -> None:
    writers, edits = 4, 15
    clients = [open_database(pg_url) for _ in range(writers)]

    def write(db: Database, n: int) -> None:
        for i in range(edits):
            with db.write(actor=f"writer{n}") as session:
                create_record(session, Organisation, {"name": f"Org {n}-{i}", "org_type": OrgType.FIRM})

    errors = run_together(write, [(db, n) for n, db in enumerate(clients)])
    for db in clients:
        db.close()
    assert errors == []
    with office.engine.connect() as conn:
        chain = verify_chain(conn)
        count = conn.execute(sa.select(sa.func.count()).select_from(Organisation)).scalar_one()
    assert chain.problems == ()
    assert chain.entries == writers * edits
    assert count == writers * edits


def test_an_edit_from_a_stale_read_on_another_client_is_a_conflict(office: Database, pg_url: str) -> None:
    with office.write(actor="alice") as session:
        org = create_record(session, Organisation, {"name": "Ministry", "org_type": OrgType.AGENCY}).id
    with open_database(pg_url) as other:
        with other.read() as session:
            loaded = session.get(Organisation, org)
            assert loaded is not None
            bobs_version = loaded.version_id
        with office.write(actor="alice") as session:
            update_record(session, Organisation, org, 1, {"short_name": "MIN"})
        with pytest.raises(EditConflict) as info, other.write(actor="bob") as session:
            update_record(session, Organisation, org, bobs_version, {"short_name": "MOF"})
    assert info.value.changed_by == "alice"
    with office.read() as session:
        row = session.get(Organisation, org)
        assert row is not None
        assert (row.short_name, row.version_id) == ("MIN", 2)


def test_a_value_read_and_saved_in_one_write_never_loses_another_clients_change(office: Database, pg_url: str) -> None:
    """Three clients add to the same field at once: each save re-reads under the office's write lock, so no
    addition is lost (a read outside the lock would let one save overwrite another)."""
    with office.write() as session:
        org = create_record(session, Organisation, {"name": "Ministry", "org_type": OrgType.AGENCY}).id
    clients = [open_database(pg_url) for _ in range(3)]
    rounds = 10

    def add_one(db: Database) -> None:
        for _ in range(rounds):
            with db.write() as session:
                row = session.get(Organisation, org)
                assert row is not None
                total = Decimal(row.notes or "0") + 1
                update_record(session, Organisation, org, row.version_id, {"notes": str(total)})

    errors = run_together(add_one, [(db,) for db in clients])
    for db in clients:
        db.close()
    assert errors == []
    with office.read() as session:
        row = session.get(Organisation, org)
        assert row is not None
        assert Decimal(row.notes) == len(clients) * rounds


def test_a_client_knows_the_changes_it_wrote_and_not_another_clients(office: Database, pg_url: str) -> None:
    office.own_changes.active = True  # as a window polling for changes sets it
    start = office.change_counter()
    with office.write() as session:
        create_record(session, Organisation, {"name": "Mine Agency", "org_type": OrgType.AGENCY})
    mine = office.change_counter()
    assert mine > start
    assert office.own_changes.cover(start, mine)
    with open_database(pg_url) as other:
        other.own_changes.active = True
        with other.write() as session:
            create_record(session, Organisation, {"name": "Theirs Agency", "org_type": OrgType.AGENCY})
        theirs = other.change_counter()
        assert other.own_changes.cover(mine, theirs)
        assert not other.own_changes.cover(start, theirs)
    assert not office.own_changes.cover(mine, theirs)
    assert not office.own_changes.cover(start, theirs)


def terminate_backends(pg_server: PgServer, url: str) -> int:
    """End every server process serving `url`'s database, as a server restart or an idle-session kill would, and
    wait until they are gone; the number ended."""
    database = sa.make_url(url).database
    others = "FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
    with pg_server.admin.connect() as conn:
        ended = int(
            conn.execute(sa.text(f"SELECT count(pg_terminate_backend(pid)) {others}"), {"db": database}).scalar_one()
        )
        deadline = time.monotonic() + 30
        while conn.execute(sa.text(f"SELECT count(*) {others}"), {"db": database}).scalar_one():
            if time.monotonic() > deadline:
                raise RuntimeError("the terminated server processes did not end")
            time.sleep(0.05)
    return ended


def test_a_connection_the_server_dropped_is_replaced_and_reads_and_writes_go_on(
    office: Database, pg_server: PgServer, pg_url: str
) -> None:
    with office.write() as session:
        create_record(session, Organisation, {"name": "Before Agency", "org_type": OrgType.AGENCY})
    with office.read() as session:  # the pool now holds an idle connection, the kind a restart leaves dead
        assert session.scalar(sa.select(Organisation.name).where(Organisation.name == "Before Agency"))
    assert terminate_backends(pg_server, pg_url) >= 1
    with office.read() as session:
        assert session.scalar(sa.select(Organisation.name).where(Organisation.name == "Before Agency"))
    with office.write() as session:
        create_record(session, Organisation, {"name": "After Agency", "org_type": OrgType.AGENCY})
    with office.read() as session:
        names = set(session.scalars(sa.select(Organisation.name)))
    assert {"Before Agency", "After Agency"} <= names
    with office.engine.connect() as conn:
        assert verify_chain(conn).problems == ()


def test_a_client_not_polling_for_changes_does_not_track_its_own(office: Database) -> None:
    start = office.change_counter()
    with office.write() as session:
        create_record(session, Organisation, {"name": "Untracked Agency", "org_type": OrgType.AGENCY})
    assert office.change_counter() > start
    assert not office.own_changes.cover(start, office.change_counter())
