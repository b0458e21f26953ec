"""pp-collector's version: the ground floor holds it, so that the HTTP layer's ``User-Agent``
names it without importing the CLI; ``performanceplatform.collector.__version__`` is this."""

__version__ = "1.0.0"
