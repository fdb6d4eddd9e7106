"""Two clients on one shared office: the other client's new record appears in the open list without a restart, and
connecting to a server happens in the background with a clear message when it cannot be reached."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.db.engine import Database, open_database
from core.domain.organisations import Organisation, OrgType
from core.services.office import initialise_office
from core.services.records import create_record
from tests.pg_fixtures import pg_server, pg_url

__all__ = ["pg_server", "pg_url"]


@pytest.fixture
def shared_office(pg_url: str) -> Iterator[str]:
    with open_database(pg_url) as db:
        initialise_office(db, name="Shared office")
    yield pg_url


@pytest.fixture
def live_window(qtbot, app_settings):  # type: ignore[no-untyped-def]
    """The main window with real background threads (the poll must not run on the GUI thread)."""
    from desktop.jobs import JobRunner
    from desktop.main_window import MainWindow

    main = MainWindow(app_settings, JobRunner())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def listed_names(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.show_list("organisations").current_list.model
    column = next(i for i, c in enumerate(model.columns) if c.key == "name")
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_another_clients_new_record_appears_in_the_open_list(qtbot, live_window, shared_office: str) -> None:  # type: ignore[no-untyped-def]
    live_window.open_database(shared_office)
    qtbot.waitUntil(lambda: live_window.db is not None, timeout=10_000)
    assert live_window.live_refresh is not None
    qtbot.waitUntil(lambda: live_window.live_refresh._seen is not None, timeout=10_000)
    assert "Ziggurat Cyber Agency" not in listed_names(live_window)
    with open_database(shared_office) as other, other.write(actor="other liaison") as session:
        create_record(session, Organisation, {"name": "Ziggurat Cyber Agency", "org_type": OrgType.AGENCY})
    qtbot.waitUntil(lambda: "Ziggurat Cyber Agency" in listed_names(live_window), timeout=10_000)


def test_a_file_office_is_not_polled(window, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    window.set_database(demo_db)
    assert window.live_refresh is None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_connect_dialog_says_why_a_server_cannot_be_reached(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.connect_dialog import ConnectDialog
    from desktop.jobs import JobRunner

    dialog = ConnectDialog(JobRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(closed_port())
    dialog.user.setText("liaison")
    dialog.try_connect()
    assert not dialog.connect_button.isEnabled()  # connecting in the background; the dialog still answers
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Cannot connect"), timeout=15_000)
    assert dialog.connect_button.isEnabled()
    assert dialog.database is None


def test_the_connect_dialog_names_each_missing_field(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.connect_dialog import ConnectDialog
    from desktop.jobs import JobRunner

    dialog = ConnectDialog(JobRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.dbname.clear()
    dialog.remember.setChecked(True)
    dialog.try_connect()
    shown = {key: label.text() for key, label in dialog.messages.items() if not label.isHidden()}
    assert shown == {
        "host": "Enter the server's name or address.",
        "database": "Enter the database's name.",
        "user": "Enter the login.",
        "password": "Type the password to remember.",
    }
    assert dialog.status.text() == ""


def test_the_connect_dialog_opens_the_shared_office(qtbot, window, shared_office: str) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    url = sa.make_url(shared_office)
    dialog = window.show_connect_dialog()
    dialog.host.setText(url.host)
    dialog.port.setValue(url.port)
    dialog.dbname.setText(url.database)
    dialog.user.setText(url.username)
    with qtbot.waitSignal(window.sig_database_opened, timeout=10_000):
        dialog.try_connect()
    assert window.db is not None
    assert window.db.path is None
    assert window.windowTitle().endswith("Shared office")


def test_a_password_is_remembered_in_the_keyring_only_when_asked(qtbot, window, shared_office: str) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    pytest.importorskip("keyring", reason="the keyring package comes with the postgres extra")
    import keyring

    from core.db.postgres import KEYRING_SERVICE
    from tests.fake_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        url = sa.make_url(shared_office)
        for remember in (False, True):
            dialog = window.show_connect_dialog()
            dialog.host.setText(url.host)
            dialog.port.setValue(url.port)
            dialog.dbname.setText(url.database)
            dialog.user.setText(url.username)
            dialog.password.setText("typed secret")
            dialog.remember.setChecked(remember)
            with qtbot.waitSignal(window.sig_database_opened, timeout=10_000):
                dialog.try_connect()
            account = f"{url.username}@{url.host}:{url.port}/{url.database}"
            expected = {(KEYRING_SERVICE, account): "typed secret"} if remember else {}
            assert backend.passwords == expected
        window.settings.sync()
        settings_file = Path(window.settings.file_name)
        assert settings_file.exists()
        assert "typed secret" not in settings_file.read_text(encoding="utf-8", errors="replace")
    finally:
        keyring.set_keyring(previous)
