"""Use cases: create, update, archive with validation, scheduling and the office's rules."""
