"""`medtrace audit ...`: check the audit trail's hash chain."""

from __future__ import annotations

from pathlib import Path

import typer

from medtrace.platform.audit import anchor
from medtrace.platform.audit.chain import last_hash, use_key
from medtrace.platform.audit.verify import verify_chain
from medtrace.platform.db.session import make_engine
from medtrace.settings import get_settings

app = typer.Typer(help="Audit trail: verify the hash chain.", no_args_is_help=True)


@app.command()
def verify(
    workers: int = typer.Option(
        0, min=0, help="Processes checking id ranges side by side (0: one per CPU for long chains)."
    ),
    checkpoints: Path = typer.Option(
        None, help="The checkpoint directory (default: MEDTRACE_AUDIT_CHECKPOINT_DIR)."),
) -> None:
    """Recompute every entry's hash and check every link, then compare the chain with the latest
    sealed checkpoint (a truncated or rewritten chain); exit 1 at the first problem."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        result = verify_chain(engine, workers=workers or None,
                              key=settings.resolved_audit_key().encode())
        reading = anchor.latest_checkpoint(checkpoints or settings.resolved_checkpoint_dir(),
                                           settings.resolved_audit_key())
        against = None
        if result.ok and reading.checkpoint is not None:
            with engine.connect() as conn:
                against = anchor.compare(conn, reading.checkpoint)
    finally:
        engine.dispose()
    if not result.ok:
        typer.echo(f"BAD entry {result.first_bad_id}: {result.reason}")
        raise typer.Exit(1)
    if against is not None:
        typer.echo(f"BAD chain: {against}")
        raise typer.Exit(1)
    if reading.forged_lines:
        typer.echo(f"BAD checkpoints: {reading.forged_lines} line(s) of the checkpoint file are "
                   "not sealed with the audit key")
        raise typer.Exit(1)
    anchored = (f", holds the checkpoint of {reading.checkpoint.at} (entry "
                f"{reading.checkpoint.entry_id})" if reading.checkpoint else
                ", no checkpoint to compare with (run `medtrace worker`)")
    typer.echo(f"OK {result.count} entries{anchored}")


@app.command("key-chain")
def key_chain_command(
    yes: bool = typer.Option(False, "--yes", help="Confirm: this cannot be undone."),
) -> None:
    """Hash every entry from now on with HMAC-SHA256 under the audit key (MEDTRACE_AUDIT_KEY),
    so that someone who can write the database but lacks the key cannot recompute the chain.
    Keep the key outside the database and backed up: without it the chain cannot be verified."""
    import getpass

    from medtrace.platform.audit.chain import AuditKeyMissing, ChainAlreadyKeyed, key_chain

    if not yes:
        typer.echo("This keys the audit chain for good; run again with --yes to confirm.")
        raise typer.Exit(2)
    settings = get_settings()
    use_key(settings.resolved_audit_key())
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            entry = key_chain(conn, actor_name=f"medtrace audit key-chain ({getpass.getuser()})")
    except (ChainAlreadyKeyed, AuditKeyMissing) as exc:
        typer.echo(str(exc))
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(f"keyed: entries after {entry} are hashed with HMAC-SHA256 under the audit key")


@app.command()
def head() -> None:
    """Print the hash of the last entry (to record outside the database, e.g. daily)."""
    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as conn:
            typer.echo(last_hash(conn))
    finally:
        engine.dispose()
