"""The window's dialogs: each asks for something and hands it to a command or an operation."""
