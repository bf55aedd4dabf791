"""Pure, vectorised computation engines.

Nothing in this package imports Django, touches files or knows about users: arrays and
polars DataFrames in, arrays and DataFrames out. File input/output for the command line
lives in :mod:`jingjin.commands._io`; the web layer calls engines through services.
"""
