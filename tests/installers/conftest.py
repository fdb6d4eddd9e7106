"""The GUI fixtures of tests/desktop (the demo office, the main window), shared rather than copied."""

from tests.desktop.conftest import app_settings, demo_db, demo_file, demo_path, window

__all__ = ["app_settings", "demo_db", "demo_file", "demo_path", "window"]
