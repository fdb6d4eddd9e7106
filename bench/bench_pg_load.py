"""Load check of the shared office: N clients each making M random edits against one PostgreSQL database.

Each client is its own Database (its own connection pool), on its own thread, as another copy of the application
would be. An edit loads an organisation (its notes and version), then saves new notes with the version it loaded,
exactly as an editor dialog does; when another client saved that record in between, the save raises EditConflict,
which is counted as reported to that client. With few records and many clients, conflicts are frequent on purpose.

At the end it verifies that
- no acknowledged write was lost: every record holds the notes and version of its last acknowledged save, and the
  acknowledged saves of each record have distinct, consecutive versions (a lost update would reuse one);
- the audit trail holds one UPDATE entry per acknowledged save and `check` finds its hash chain intact.

It prints edits per second, conflicts, and the median and p95 save latency.

    python bench/bench_pg_load.py --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
        [--clients 20] [--edits 500] [--records 40]

The URL names any database on the server the user may create databases from; the bench makes its own
(cyberdesk_bench_load), and drops it afterwards unless --keep. Without --url, CYBERDESK_TEST_PG_URL is used
(`python dev.py postgres` serves one).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from core.db.engine import Database, open_database
from core.db.health import check_database
from core.domain.audit import AuditEntry, AuditKind
from core.domain.organisations import Organisation, OrgType
from core.services.office import initialise_office
from core.services.records import EditConflict, create_record, update_record

BENCH_DB = "cyberdesk_bench_load"


@dataclass
class ClientLog:
    acks: list[tuple[int, int, str]] = field(default_factory=list)  # (record id, version after the save, notes)
    conflicts: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def fresh_database(server_url: str) -> str:
    url = sa.make_url(server_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return url.set(database=BENCH_DB).render_as_string(hide_password=False)


def drop_database(server_url: str) -> None:
    admin = sa.create_engine(sa.make_url(server_url), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin.dispose()


def prepare(url: str, records: int) -> list[int]:
    with open_database(url) as db:
        initialise_office(db, name="Load check")
        with db.write(actor="setup") as session:
            return [
                create_record(session, Organisation, {"name": f"Agency {n:03d}", "org_type": OrgType.AGENCY}).id
                for n in range(records)
            ]


def client(db: Database, number: int, ids: list[int], edits: int, start: threading.Barrier, log: ClientLog) -> None:
    rng = random.Random(number)
    start.wait()
    for edit in range(edits):
        record = rng.choice(ids)
        with db.read() as session:
            loaded = session.get(Organisation, record)
            assert loaded is not None
            version = loaded.version_id
        notes = f"client {number} edit {edit}"
        began = time.perf_counter()
        try:
            with db.write(actor=f"client{number}") as session:
                saved = update_record(session, Organisation, record, version, {"notes": notes})
            after = saved.version_id  # read after the commit: the version the database acknowledged
        except EditConflict:
            log.conflicts += 1
        except Exception as exc:  # any other failure is a finding, reported at the end
            log.errors.append(f"{type(exc).__name__}: {exc}")
        else:
            log.acks.append((record, after, notes))
        log.latencies.append(time.perf_counter() - began)


def verify(url: str, logs: list[ClientLog], audit_before: int) -> list[str]:
    problems: list[str] = []
    acks: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for log in logs:
        for record, version, notes in log.acks:
            acks[record].append((version, notes))
    with open_database(url, readonly=True) as db, db.read() as session:
        rows = {row.id: (row.version_id, row.notes) for row in session.scalars(sa.select(Organisation))}
        updates = session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.table_name == "organisation", AuditEntry.kind == AuditKind.UPDATE)
            .where(AuditEntry.id > audit_before)
        )
    for record, saved in acks.items():
        versions = sorted(v for v, _ in saved)
        if versions != list(range(2, 2 + len(versions))):
            problems.append(f"organisation {record}: acknowledged versions {versions[:8]}... are not 2, 3, 4, ...")
        last_version, last_notes = max(saved)
        if rows[record] != (last_version, last_notes):
            problems.append(f"organisation {record}: holds {rows[record]}, last saved {last_version, last_notes}")
    total_acks = sum(len(v) for v in acks.values())
    if updates != total_acks:
        problems.append(f"{updates} UPDATE audit entries for {total_acks} acknowledged saves")
    report = check_database(url)
    problems.extend(f"check: {p}" for p in report.problems)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("CYBERDESK_TEST_PG_URL"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--records", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    if not args.url:
        sys.exit("Give --url (a PostgreSQL server) or set CYBERDESK_TEST_PG_URL (`python dev.py postgres`).")
    url = fresh_database(args.url)
    try:
        ids = prepare(url, args.records)
        with open_database(url) as db:
            audit_before = db.change_counter()
        clients = [open_database(url) for _ in range(args.clients)]
        logs = [ClientLog() for _ in clients]
        start = threading.Barrier(len(clients))
        threads = [
            threading.Thread(target=client, args=(db, n, ids, args.edits, start, logs[n]))
            for n, db in enumerate(clients)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        for db in clients:
            db.close()
        problems = verify(url, logs, audit_before)
    finally:
        if not args.keep:
            drop_database(args.url)
    acked = sum(len(log.acks) for log in logs)
    conflicts = sum(log.conflicts for log in logs)
    errors = [e for log in logs for e in log.errors]
    latencies = sorted(x for log in logs for x in log.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(f"clients {args.clients} x edits {args.edits} on {args.records} records: {elapsed:.1f} s")
    print(f"saves attempted {acked + conflicts + len(errors)}, acknowledged {acked}, conflicts reported {conflicts}")
    print(f"edits/s (acknowledged) {acked / elapsed:.0f}; attempts/s {(acked + conflicts) / elapsed:.0f}")
    print(f"save latency median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    for error in errors[:5]:
        print(f"ERROR {error}")
    for problem in problems[:10]:
        print(f"PROBLEM {problem}")
    ok = not problems and not errors
    print("no acknowledged write lost; audit chain verified" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
