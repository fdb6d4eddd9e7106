"""Read-only report models: lists and aggregates as plain values and dataclasses, never ORM objects."""
