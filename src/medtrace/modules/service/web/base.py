"""Installed-base pages (see the package docstring)."""

from __future__ import annotations
