"""The writer the crash test kills: a stream of audited service calls, each committed id printed once committed.

Run as a script it is a small fork server: it imports the program once, then for every `run SEED` line on stdin
forks a writer (so each of hundreds of kills costs a fork, not an interpreter start and its imports), waits for
it to die and says `done STATUS`. No database is opened before the fork: a SQLite connection must never cross it.

Each writer prints `ready PID`, then one `committed ORG PERSON` line per transaction, written only after the
commit returned. One transaction creates an organisation and a person in it and updates the organisation (so a
version bump and three audit entries commit or vanish together); every third one also edits an older organisation.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 - after the path is set, so that the script runs from anywhere

from core.db.engine import Database, open_database  # noqa: E402
from core.domain.organisations import Organisation, OrgType, Person  # noqa: E402
from core.services.records import create_record, update_record  # noqa: E402

ORG_PREFIX = "Crash org"


def _say(line: str) -> None:
    # os.write on the raw descriptor: nothing buffered in this process can be lost to the kill.
    os.write(1, (line + "\n").encode())


def write_one(db: Database, rng: random.Random, seed: int, n: int) -> tuple[int, int]:
    """One transaction; returns the organisation and person ids once it has committed."""
    with db.write(actor=f"crash writer {seed}") as session:
        org = create_record(session, Organisation, {"name": f"{ORG_PREFIX} {seed}-{n}", "org_type": OrgType.FIRM})
        person = create_record(session, Person, {"full_name": f"Crash person {seed}-{n}", "organisation_id": org.id})
        update_record(session, Organisation, org.id, org.version_id, {"notes": f"checked {seed}-{n}"})
        if n % 3 == 2:
            older = session.scalars(
                sa.select(Organisation).where(Organisation.id < org.id).order_by(Organisation.id)
            ).all()
            if older:
                pick = rng.choice(older)
                update_record(session, Organisation, pick.id, pick.version_id, {"short_name": f"edit {n}"})
        return org.id, person.id


def write_forever(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    db = open_database(path)
    _say(f"ready {os.getpid()}")
    n = 0
    while True:
        org_id, person_id = write_one(db, rng, seed, n)
        _say(f"committed {org_id} {person_id}")
        n += 1


def serve(path: Path) -> None:
    # Warm up once, so that every forked writer inherits SQLAlchemy's compiled statements instead of compiling
    # them again before its first commit; closed before any fork, so no connection crosses one.
    with open_database(path) as db:
        for n in range(3):
            write_one(db, random.Random(0), -1, n)
    for line in sys.stdin:
        command, _, seed = line.strip().partition(" ")
        if command != "run":
            continue
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                write_forever(path, int(seed))
            except BaseException as exc:  # the parent reads this line instead of a traceback
                _say(f"error {type(exc).__name__}: {exc}")
                status = 1
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        _say(f"done {status}")


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
