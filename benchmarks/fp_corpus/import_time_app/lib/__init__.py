from lib import main  # noqa: F401  (makes `python -m lib` synthesize)
