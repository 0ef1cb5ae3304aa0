from pathlib import Path

from medtrace.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`MEDTRACE_{name.upper()}`" in text, f"MEDTRACE_{name.upper()} missing in README"


def test_the_readme_gives_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
