#!/bin/sh
# Remove Cyber Affairs Desk for the current user; offices, backups, settings and logs are kept.
exec sh "$(cd "$(dirname "$0")" && pwd)/install.sh" --uninstall
