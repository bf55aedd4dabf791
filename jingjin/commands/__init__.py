"""Sub-commands of the ``jingjin`` command line.

Each module in this package defines ``register(subparsers)`` which adds its sub-command(s)
to the top-level parser; :mod:`jingjin.cli` discovers the modules, so adding a command is
adding a module. Modules that do not need the database must not import Django at import
time (the engine commands start fast and run without settings).
"""
