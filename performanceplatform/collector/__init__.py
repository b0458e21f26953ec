"""pp-collector: collect metrics from third-party services into a Backdrop data API."""

from performanceplatform.utils.version import __version__

__all__ = ["__version__"]
