"""Deployment knobs, read from the environment (prefix ``MEDTRACE_``) or a ``.env`` file.

Business policy (password rules, approval flows, company profile...) does not belong here:
it lives in the audited ``platform_setting`` table. Only what an operator sets when deploying
a process is read here.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("zh_CN", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MEDTRACE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///var/medtrace.db",
        description="SQLAlchemy URL. sqlite:///relative/path.db or postgresql://user@host/db.",
    )
    host: str = Field(default="127.0.0.1", description="Address `medtrace serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `medtrace serve` binds to.")
    workers: int = Field(default=1, ge=1, le=64, description="Server processes (PostgreSQL only).")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs cookies and tokens. Unset: generated once into <var_dir>/secret_key.",
    )
    var_dir: Path = Field(
        default=Path("var"), description="Where the SQLite file, the secret key and uploads live."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Lowest level written to the log."
    )
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto",
        description="json: one JSON object per line; console: readable; auto: console on a TTY.",
    )
    default_locale: Literal["zh_CN", "en"] = Field(
        default="zh_CN", description="UI language when neither the user nor the browser chooses."
    )
    timezone: str = Field(
        default="Asia/Shanghai", description="IANA time zone in which times are shown by default."
    )
    db_pool_size: int = Field(default=5, ge=1, le=200, description="Connections kept per process.")
    db_connect_timeout: int = Field(
        default=5, ge=1, le=120, description="Seconds to wait for the database to answer a connect."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept in ``<var_dir>/secret_key``."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def settings_reference() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every knob: the README's configuration table."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(generated)" if name == "secret_key" else str(default)
        rows.append((f"MEDTRACE_{name.upper()}", shown, field.description or ""))
    return rows
