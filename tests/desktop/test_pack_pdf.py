"""The PDF pack, read back as text: the marking on top and bottom of every page, page X of Y, every section."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from core.db.engine import Database
from core.domain.meetings import Paper
from core.io.pack_export import export_pack
from core.reports.meeting_pack import SECTIONS
from desktop.renderers import install_renderers
from tests.core.reports.test_meeting_pack import AS_AT, HYPERLINK, build_pack_office
from tests.desktop.conftest import DEMO_AS_AT

ROOT = Path(__file__).resolve().parents[2]

# The test process's application must be pytest-qt's QApplication, not a QGuiApplication the renderer would
# make for itself, or the widget tests that follow could not create a widget.
pytestmark = pytest.mark.usefixtures("qapp")


def page_texts(path: Path) -> list[str]:
    """Each page's text with ligatures unfolded and runs of white space made one space."""
    texts = []
    for page in PdfReader(path).pages:
        text = unicodedata.normalize("NFKC", page.extract_text())
        texts.append(" ".join(text.split()))
    return texts


def test_every_page_carries_the_marking_top_and_bottom_and_its_number(tmp_path: Path) -> None:
    office = build_pack_office(tmp_path / "pack.cyberdesk")
    try:
        with office.db.write() as s:
            s.execute(sa.update(Paper).values(marking_id=office.sensitive))
        install_renderers()
        target = tmp_path / "pack.pdf"
        result = export_pack(office.db, "next", target, as_at=AS_AT)
    finally:
        office.db.close()
    assert result.marking == "OFFICIAL: Sensitive"
    texts = page_texts(target)
    assert len(texts) >= len(SECTIONS)  # every section starts a page
    for number, text in enumerate(texts, 1):
        assert text.count("OFFICIAL: Sensitive") >= 2, number  # the header and the footer
        assert f"Page {number} of {len(texts)}" in text
        assert "Smith & Jones Cyber Office" in text and "Meeting 4 — 2025–26 Q2" in text
    whole = " ".join(texts)
    for name, _ in SECTIONS[1:]:
        assert name.replace("_", " ") in whole
    assert HYPERLINK in whole  # user text is printed as written
    assert "Alternate for Robin Law" in whole and "349.90" in whole


def test_demo_pack_pages_say_demo_data(demo_db: Database, tmp_path: Path) -> None:
    install_renderers()
    target = tmp_path / "demo.pdf"
    export_pack(demo_db, "next", target, as_at=DEMO_AS_AT)
    texts = page_texts(target)
    assert all("OFFICIAL: Sensitive — DEMO DATA" in text for text in texts)
    assert "Contains personal data" in texts[0]


def test_long_text_wraps_and_tables_continue_with_their_header(tmp_path: Path) -> None:
    office = build_pack_office(tmp_path / "pack.cyberdesk")
    try:
        with office.db.write() as s:
            long_title = " ".join(["A very long paper title that has to wrap inside its column"] * 8)
            s.execute(sa.update(Paper).values(title=long_title))
            for n in range(120):
                s.add(Paper(meeting_id=office.meetings[3], ref=f"ICEG/M04/X{n:03d}", title=f"Paper {n}"))
        install_renderers()
        target = tmp_path / "pack.pdf"
        export_pack(office.db, "next", target, as_at=AS_AT)
    finally:
        office.db.close()
    texts = page_texts(target)
    papers = [text for text in texts if "ICEG/M04/X" in text]
    assert len(papers) >= 2  # the papers table runs over pages
    assert all("Paper ref" in text and "Where it is kept" in text for text in papers)  # its header repeats
    assert "has to wrap inside its column" in " ".join(texts)
    assert all(f"ICEG/M04/X{n:03d}" in " ".join(texts) for n in range(120))


def test_the_command_line_draws_a_pdf_without_a_display(tmp_path: Path) -> None:
    office = build_pack_office(tmp_path / "pack.cyberdesk")
    office.db.close()
    target = tmp_path / "from cli.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    args = ["--db", str(tmp_path / "pack.cyberdesk"), "export", "pack", "--meeting", "next", "-o", str(target)]
    probe = f"import sys\nfrom desktop.__main__ import main\nsys.exit(main({[*args, '--as-at', '2025-08-15']!r}))\n"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote the pack for Meeting 4")
    assert page_texts(target)[0].count("OFFICIAL") >= 2


@pytest.mark.parametrize("paper_size", ["A4", "LETTER"])
def test_paper_size_follows_the_office_setting(tmp_path: Path, paper_size: str) -> None:
    from core.domain.reference import Office, PaperSize

    office = build_pack_office(tmp_path / "pack.cyberdesk")
    try:
        with office.db.write() as s:
            s.execute(sa.update(Office).values(paper_size=PaperSize(paper_size)))
        install_renderers()
        target = tmp_path / "pack.pdf"
        export_pack(office.db, "next", target, as_at=AS_AT)
    finally:
        office.db.close()
    box = PdfReader(target).pages[0].mediabox
    width, height = float(box.width), float(box.height)
    assert width > height  # landscape
    expected = (842, 595) if paper_size == "A4" else (792, 612)
    assert (round(width), round(height)) == expected
