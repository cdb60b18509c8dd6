"""First-party Kepu plugins, one package per plugin (``plugins/<name>/``).

Only ``core.plugins`` imports them, by dotted name (``plugins.<name>``); the core never does.
"""
