"""pp-collector: collect metrics from third-party services into a Backdrop data API."""

__version__ = "1.0.0"
