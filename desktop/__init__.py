"""The Qt (PySide6) desktop application: the only layer that owns QObjects."""
