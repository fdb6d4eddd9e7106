"""The secondment editor's own parts: extensions with their history."""
