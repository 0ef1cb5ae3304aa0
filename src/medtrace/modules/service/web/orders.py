"""Service order and follow-up visit pages (see the package docstring)."""

from __future__ import annotations
