"""Every periodic job of the application: what ``medtrace worker`` imports before it reads the
job registry (the platform knows no module, so the CLI hands it this module's name). The jobs
are those the descriptors in ``medtrace.registry`` name."""

from medtrace.registry import import_models, register_jobs

import_models()  # every mapper, before any query
register_jobs()


def _worker_command() -> object:
    """``medtrace worker`` as a click command (the CLI imports this module only to run it)."""
    import typer

    from medtrace.platform.jobs.cli import worker_command

    app = typer.Typer()
    app.command()(worker_command(__name__))
    return typer.main.get_command(app)


worker = _worker_command()
