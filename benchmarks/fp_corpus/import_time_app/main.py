import lib  # noqa: F401  (lib.main synthesizes on import)
