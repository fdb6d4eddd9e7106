"""The domain: SQLAlchemy models, enums and value rules (money, fiscal years, text), with no I/O of their own."""
