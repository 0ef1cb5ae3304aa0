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
#: where a developer checkout finds the official EPCIS 2.0 JSON schema (the GS1 artefact is not
#: shipped in the package: its licence is GS1's disclaimer), relative to the current directory
#: or to the repository root
EPCIS_SCHEMA_FALLBACK = Path("..") / "shared" / "reference" / "epcis" / "EPCIS-JSON-Schema.json"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


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
    idempotency_lease_seconds: int = Field(
        default=30, ge=1, le=3600,
        description="How long an Idempotency-Key stays claimed by a request that has not "
                    "finished; a retry after that takes the key over (its first owner died).",
    )
    max_body_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, le=1024**3,
        description="Largest request body (JSON, forms) accepted; larger: 413 problem+json.",
    )
    max_upload_bytes: int = Field(
        default=25 * 1024 * 1024, ge=1024, le=4 * 1024**3,
        description="Largest multipart upload accepted (each file type has its own, smaller cap).",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses (or networks) of reverse proxies whose "
        "X-Forwarded-For / X-Forwarded-Proto are believed; empty: none (the peer's address).",
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token a Prometheus scraper sends for /metrics.",
    )
    metrics_allow: str = Field(
        default="127.0.0.1/8,::1",
        description="Comma-separated addresses or networks allowed to read /metrics without "
        "the token.",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Where the worker appends sealed audit-chain checkpoints (put it where the "
        "database administrators cannot write). Unset: <var_dir>/audit-checkpoints.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="Key sealing the audit checkpoints (HMAC-SHA256), kept outside the "
        "database. Unset: the secret key.",
    )
    epcis_schema_path: Path | None = Field(
        default=None,
        description="The official GS1 EPCIS 2.0 JSON schema (EPCIS-JSON-Schema.json) that EPCIS "
        "capture validates against. Unset: ../shared/reference/epcis/ from the current directory "
        "or the repository root; none found: capture answers 503.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def resolved_epcis_schema_path(self) -> Path | None:
        """The first EPCIS JSON schema file that exists: the setting, then the reference copy
        beside a developer checkout; None when there is none."""
        candidates = [self.epcis_schema_path] if self.epcis_schema_path else []
        candidates += [Path.cwd() / EPCIS_SCHEMA_FALLBACK, REPOSITORY_ROOT / EPCIS_SCHEMA_FALLBACK]
        return next((p.resolve() for p in candidates if p.is_file()), None)

    @staticmethod
    def _list(text: str) -> list[str]:
        return [part.strip() for part in text.split(",") if part.strip()]

    def proxy_hosts(self) -> list[str]:
        return self._list(self.trusted_proxies)

    def metrics_networks(self) -> list[str]:
        return self._list(self.metrics_allow)

    def resolved_checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or self.var_dir / "audit-checkpoints"

    def resolved_audit_key(self) -> str:
        if self.audit_key is not None and self.audit_key.get_secret_value():
            return self.audit_key.get_secret_value()
        return self.resolved_secret_key()

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
        shown = "unset" if default is None and name != "secret_key" else shown
        rows.append((f"MEDTRACE_{name.upper()}", shown, field.description or ""))
    return rows
