"""Two clients on one shared office: the other client's new record appears in the open list without a restart, and
connecting to a server happens in the background with a clear message when it cannot be reached."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the PostgreSQL driver comes with the postgres extra")

from core.db.copy import copy_office
from core.db.engine import Database, open_database
from core.domain.audit import AuditEntry, AuditKind
from core.domain.meetings import Action, Meeting
from core.domain.organisations import Organisation, OrgType
from core.reports.records import load_record
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


@pytest.fixture
def demo_office(demo_file: Path, pg_url: str) -> str:
    """The demo office moved onto the server, so the two clients have real actions and meetings to share."""
    copy_office(demo_file, pg_url)
    return pg_url


@pytest.fixture
def two_clients(demo_office: str) -> Iterator[tuple[Database, Database]]:
    """Two copies of the app on one server database: each its own engine, pool and connections."""
    with open_database(demo_office) as first, open_database(demo_office) as second:
        yield first, second


def listed(window, entity: str, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.show_list(entity).current_list.model
    column = next(i for i, c in enumerate(model.columns) if c.key == key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def listed_names(window) -> list[str]:  # type: ignore[no-untyped-def]
    return listed(window, "organisations", "name")


def test_another_clients_new_record_appears_in_the_open_list(qtbot, live_window, shared_office: str) -> None:  # type: ignore[no-untyped-def]
    live_window.open_database(shared_office)
    qtbot.waitUntil(lambda: live_window.db is not None, timeout=10_000)
    assert live_window.live_refresh is not None
    qtbot.waitUntil(lambda: live_window.live_refresh._seen is not None, timeout=10_000)
    assert "Ziggurat Cyber Agency" not in listed_names(live_window)
    with open_database(shared_office) as other, other.write(actor="other liaison") as session:
        create_record(session, Organisation, {"name": "Ziggurat Cyber Agency", "org_type": OrgType.AGENCY})
    qtbot.waitUntil(lambda: "Ziggurat Cyber Agency" in listed_names(live_window), timeout=10_000)


def test_a_save_in_this_window_refreshes_its_lists_once_and_another_clients_save_once_more(  # type: ignore[no-untyped-def]
    qtbot, live_window, shared_office: str
) -> None:
    from core.domain.organisations import OrgType as Type

    live_window.open_database(shared_office)
    qtbot.waitUntil(lambda: live_window.db is not None, timeout=10_000)
    qtbot.waitUntil(lambda: live_window.live_refresh._seen is not None, timeout=10_000)
    register = live_window.show_list("organisations")
    refreshes: list[int] = []
    shown_refresh = register.refresh
    register.refresh = lambda: (refreshes.append(1), shown_refresh())[-1]

    dialog = live_window.open_editor("organisations", None)
    with qtbot.waitSignal(dialog.sig_fields_validated):
        qtbot.keyClicks(dialog.editor("name").focus_widgets()[0], "Own Desk Agency")
    with qtbot.waitSignal(dialog.sig_fields_validated):
        dialog.editor("org_type").set_field_value(Type.UNIVERSITY)
    with qtbot.waitSignal(dialog.sig_record_saved):
        click(qtbot, dialog.save_button)
    saved = live_window.db.change_counter()
    # The poll has read the counter this save moved: anything it was going to do about it is done.
    qtbot.waitUntil(lambda: live_window.live_refresh._seen == saved, timeout=10_000)
    assert len(refreshes) == 1
    assert "Own Desk Agency" in listed_names(live_window)

    with open_database(shared_office) as other, other.write(actor="other liaison") as session:
        create_record(session, Organisation, {"name": "Their Desk Agency", "org_type": OrgType.AGENCY})
    qtbot.waitUntil(lambda: "Their Desk Agency" in listed_names(live_window), timeout=10_000)
    assert len(refreshes) == 2


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


# --- two liaisons edit the same action -------------------------------------------------------------------------

ACTION = 120  # an open action of the demo office


def open_action(qtbot, db: Database):  # type: ignore[no-untyped-def]
    from desktop.editing.registers import open_editor

    dialog = open_editor(None, db, "actions", ACTION)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, dialog, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.sig_fields_validated):
        dialog.editor(key).set_field_value(None)
        qtbot.keyClicks(dialog.editor(key).focus_widgets()[0], text)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def action_values(db: Database) -> dict[str, object]:
    with db.read() as session:
        return dict(load_record(session, Action, ACTION).values)


def latest_action_audit(db: Database) -> AuditEntry:
    import sqlalchemy as sa

    with db.read() as session:
        stmt = sa.select(AuditEntry).where(AuditEntry.table_name == "action", AuditEntry.row_id == ACTION)
        return session.scalars(stmt.order_by(AuditEntry.id.desc())).first()  # type: ignore[return-value]


def second_client_conflicts(qtbot, two_clients: tuple[Database, Database]):  # type: ignore[no-untyped-def]
    """Both clients open the action; the first saves a new update, then the second saves its rewording."""
    first_db, second_db = two_clients
    first, second = open_action(qtbot, first_db), open_action(qtbot, second_db)
    retype(qtbot, first, "progress_update", "Update from the first liaison")
    with qtbot.waitSignal(first.sig_record_saved):
        click(qtbot, first.save_button)
    retype(qtbot, second, "description", "Second liaison's wording")
    with qtbot.assertNotEmitted(second.sig_record_saved):
        click(qtbot, second.save_button)
    conflict = second.conflict_dialog
    assert conflict is not None and conflict.isVisible()
    assert conflict.message.text().endswith(" while you were editing it.")
    fields = {conflict.differences.item(r, 0).text() for r in range(conflict.differences.rowCount())}
    assert fields == {"Action", "Latest update"}
    return second


def test_the_second_client_to_save_the_same_action_may_reload_the_first_clients_value(  # type: ignore[no-untyped-def]
    qtbot, two_clients: tuple[Database, Database]
) -> None:
    original = action_values(two_clients[0])["description"]
    second = second_client_conflicts(qtbot, two_clients)
    click(qtbot, second.conflict_dialog.reload_button)
    assert second.isVisible() and not second.is_dirty()
    assert second.editor("progress_update").field_value() == "Update from the first liaison"
    assert second.editor("description").field_value() == original
    for db in two_clients:
        saved = action_values(db)
        assert (saved["description"], saved["progress_update"]) == (original, "Update from the first liaison")
    assert latest_action_audit(two_clients[1]).kind is AuditKind.UPDATE


def test_the_second_client_to_save_the_same_action_may_keep_its_own_and_is_audited(  # type: ignore[no-untyped-def]
    qtbot, two_clients: tuple[Database, Database]
) -> None:
    second = second_client_conflicts(qtbot, two_clients)
    with qtbot.waitSignal(second.sig_record_saved):
        click(qtbot, second.conflict_dialog.keep_mine_button)
    assert not second.isVisible()
    saved = action_values(two_clients[0])  # read by the other client: the overwrite reached the server
    assert (saved["description"], saved["progress_update"]) == (
        "Second liaison's wording",
        "Update from the first liaison",
    )
    latest = latest_action_audit(two_clients[0])
    assert latest.kind is AuditKind.OVERWRITE
    assert set(json.loads(latest.changes)) == {"description"}


def test_another_clients_new_meeting_appears_in_the_open_meetings_list(  # type: ignore[no-untyped-def]
    qtbot, live_window, demo_office: str
) -> None:
    live_window.open_database(demo_office)
    qtbot.waitUntil(lambda: live_window.db is not None, timeout=10_000)
    assert live_window.live_refresh is not None
    qtbot.waitUntil(lambda: live_window.live_refresh._seen is not None, timeout=10_000)
    assert "Ziggurat conference room" not in listed(live_window, "meetings", "venue")
    with open_database(demo_office) as other, other.write(actor="other liaison") as session:
        group = session.get(Meeting, 1).group_id  # type: ignore[union-attr]
        create_record(
            session,
            Meeting,
            {"group_id": group, "number": 999, "meeting_date": date(2031, 3, 10), "venue": "Ziggurat conference room"},
        )
    qtbot.waitUntil(lambda: "Ziggurat conference room" in listed(live_window, "meetings", "venue"), timeout=10_000)
