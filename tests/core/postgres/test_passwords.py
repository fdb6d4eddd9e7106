"""The office database password: from the operating system's keyring, else left to libpq (PGPASSWORD, .pgpass);
never in a file of ours. A fake in-memory keyring stands in for the real one."""

from __future__ import annotations

import pytest

keyring = pytest.importorskip("keyring", reason="the keyring package comes with the postgres extra")
pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from keyring.errors import NoKeyringError  # noqa: E402

from core.db import postgres as pg  # noqa: E402
from tests.fake_keyring import MemoryKeyring, fake_keyring  # noqa: E402

__all__ = ["fake_keyring"]


def test_the_password_comes_from_the_keyring_and_never_from_the_url_given(fake_keyring: MemoryKeyring) -> None:
    url = pg.server_url(host="db.office.example", port=5433, database="office", user="liaison", sslmode="require")
    pg.store_password(url, "s3cret")
    assert fake_keyring.passwords == {(pg.KEYRING_SERVICE, "liaison@db.office.example:5433/office"): "s3cret"}
    engine = pg.create_server_engine(url)
    assert engine.url.password == "s3cret"
    assert engine.url.query["sslmode"] == "require"
    assert "s3cret" not in engine.url.render_as_string(hide_password=True)
    engine.dispose()


def test_without_a_keyring_entry_libpq_finds_the_password_itself(fake_keyring: MemoryKeyring) -> None:
    # No keyring entry: the URL goes to libpq without a password, which then reads PGPASSWORD or ~/.pgpass.
    engine = pg.create_server_engine("postgresql://liaison@db.office.example/office")
    assert engine.url.password is None
    assert engine.url.drivername == pg.DRIVER
    engine.dispose()


class NoKeyring(MemoryKeyring):
    """What a headless Linux has: no backend at all."""

    def get_password(self, service: str, username: str) -> str | None:
        raise NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise NoKeyringError("No recommended backend was available.")


def test_where_there_is_no_keyring_the_password_is_left_to_libpq_and_saving_says_why() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        url = pg.server_url(host="db.office.example", database="office", user="liaison")
        engine = pg.create_server_engine(url)
        assert engine.url.password is None
        engine.dispose()
        with pytest.raises(pg.KeyringUnavailable, match=r"no usable keyring .*\.pgpass"):
            pg.store_password(url, "s3cret")
    finally:
        keyring.set_keyring(previous)
