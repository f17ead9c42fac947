"""``tawasul explain themes TEXT`` as an organiser tuning the lexicon uses it."""

from __future__ import annotations

import pytest
from test_agenda_config import config

from bot.cli import main
from bot.config import SHIPPED_THEMES, ConfigError, load_settings
from tools.example_config import DEFAULTS


@pytest.fixture
def run(tmp_path, capsys):
    """``tawasul --config <a config in tmp_path> ARGS``: (exit code, stdout, stderr)."""

    def tawasul(*arguments: str, extra: str = "") -> tuple[int, str, str]:
        code = main(["--config", str(config(tmp_path, extra)), *arguments])
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


def test_the_slugs_on_one_line_then_the_words_of_each(run):
    code, out, err = run(
        "explain", "themes", "بغينا نطلقو الميزانية التشاركية ونتواصلو مع الشباب فالفايسبوك"
    )
    assert (code, err) == (0, "")
    assert out == (
        "participatory_budgeting,communication_social_media,women_youth_inclusion\n"
        "participatory_budgeting: الميزانية التشاركية\n"
        "communication_social_media: ونتواصلو | فالفايسبوك\n"
        "women_youth_inclusion: الشباب\n"
    )


def test_several_phrases_of_one_theme_are_listed_apart(run):
    code, out, _ = run("explain", "themes", "La formation et les ateliers pour les élus")
    assert code == 0
    assert out == "capacity_building\ncapacity_building: formation | ateliers\n"


def test_nothing_understood_is_an_empty_line(run):
    assert run("explain", "themes", "Nous cherchons un soutien et un guide") == (0, "\n", "")


def test_explain_needs_an_action_and_a_text(tmp_path, capsys):
    for arguments, missing in ((["explain"], "ACTION"), (["explain", "themes"], "TEXT")):
        with pytest.raises(SystemExit) as stopped:
            main(arguments)
        err = capsys.readouterr().err
        assert stopped.value.code == 2
        assert f"the following arguments are required: {missing}" in err
        assert err.count("\n") == 1


THEMES = """\
[[theme]]
slug = "water"
label = { ar = "الماء", fr = "Eau", en = "Water" }
keywords.msa = ["الموارد المائية"]
keywords.darija = ["قلة الما"]
keywords.arabizi = ["lma9lil"]
keywords.fr = ["ressources en eau"]
"""


def test_a_themes_file_of_ones_own(run, tmp_path):
    (tmp_path / "mine.toml").write_text(THEMES, "utf-8")
    extra = '[interests]\nthemes_file = "mine.toml"\n'
    code, out, _ = run("explain", "themes", "Les ressources en eau", extra=extra)
    assert (code, out) == (0, "water\nwater: ressources en eau\n")


def test_a_bad_themes_file_is_one_line_and_exit_2(run, tmp_path):
    (tmp_path / "mine.toml").write_text(THEMES.replace('"water"', '"Water!"'), "utf-8")
    extra = '[interests]\nthemes_file = "mine.toml"\n'
    code, out, err = run("explain", "themes", "eau", extra=extra)
    assert (code, out) == (2, "")
    assert err == (
        f"tawasul: configuration error: interests.themes_file {tmp_path / 'mine.toml'}: "
        "1 problem: theme 1: slug must be 1-40 of a-z, 0-9 and _, starting with a letter\n"
    )
    code, _, err = run("explain", "themes", "eau", extra='[interests]\nthemes_file = "no.toml"\n')
    assert code == 2
    missing = tmp_path / "no.toml"
    assert err == f"tawasul: configuration error: interests.themes_file: {missing} not found\n"


def test_the_shipped_themes_by_default(tmp_path):
    settings = load_settings(config(tmp_path, '[interests]\nthemes_file = ""\n'), environ={})
    assert settings.themes_file == SHIPPED_THEMES
    assert len(settings.themes.slugs) == 12
    defaults = DEFAULTS.read_text("utf-8")
    assert "[interests]\n" in defaults and '\nthemes_file = ""\n' in defaults


def test_an_unknown_interests_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="interests"):
        load_settings(config(tmp_path, "[interests]\nthemes = 'x'\n"), environ={})
