"""Cyber Affairs Desk without a screen: domain, database, services, reports, import/export and the CLI."""

__version__ = "0.1.0"
APP_NAME = "Cyber Affairs Desk"
APP_ID = "cyberdesk"
