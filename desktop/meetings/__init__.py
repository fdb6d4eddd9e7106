"""The meeting workspace: agenda, attendance, minutes and outcomes of the engagement group's meetings."""
