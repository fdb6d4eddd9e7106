"""Record editors: field widgets, the editor dialog and the editor spec of every register."""
