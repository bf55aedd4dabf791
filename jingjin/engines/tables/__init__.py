"""Standard tables and schemes as data (breakpoints, limits, built-in schemes)."""
