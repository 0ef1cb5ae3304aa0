"""MedTrace: an ERP for medical-device makers with UDI / lot / serial traceability at its core."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("medtrace")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
