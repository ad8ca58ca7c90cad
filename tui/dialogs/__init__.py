"""Modal dialogs, one a module, each dismissed with a typed result."""
