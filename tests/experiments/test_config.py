import pytest

from saatkit.experiments import load_config, validate_config
from saatkit.experiments._config import ConfigError


def config_file(tmp_path, text):
    path = tmp_path / "run.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text, match",
    [
        (
            '[data]\nsynthetic = "false"\n',
            (
                r"\[data\] synthetic must be a boolean \(true or false, without quotes\), got the "
                r"string 'false'"
            ),
        ),
        ("[data]\nsynthetic = 1\n", r"\[data\] synthetic must be a boolean"),
        (
            'methods = "lbptop"\n[data]\nsynthetic = true\n',
            r"methods must be a list, got the string 'lbptop'",
        ),
        ("methods = [1]\n[data]\nsynthetic = true\n", r"each entry of methods must be a string"),
        ('methods = ["lbptop", "lbptop"]\n[data]\nsynthetic = true\n', "names an entry twice"),
        ("methods = []\n[data]\nsynthetic = true\n", "methods is empty"),
        ('[data]\nsynthetic = true\nstrict = "yes"\n', r"\[data\] strict must be a boolean"),
        (
            '[data]\nsynthetic = true\nsubjects_per_database = "4"\n',
            r"\[data\] subjects_per_database must be a positive integer, got the string '4'",
        ),
        (
            "[data]\nsynthetic = true\nsubjects_per_database = 0\n",
            r"subjects_per_database must be a positive integer, got 0",
        ),
        ("[data]\nsynthetic = true\nmax_frames = 4\n", "max_frames must be at least 8"),
        ("n_jobs = true\n[data]\nsynthetic = true\n", "n_jobs must be an integer, got True"),
        ("n_jobs = 0\n[data]\nsynthetic = true\n", "n_jobs must be a positive integer or -1"),
        ("output = 3\n[data]\nsynthetic = true\n", "output must be a string"),
        ('data = "synthetic"\n', "data must be a table"),
        (
            '[data]\nsynthetic = true\n[overrides]\nteacher_epochs = "3"\n',
            r"\[overrides\] teacher_epochs must be an integer, got the string '3'",
        ),
        (
            '[data]\nsynthetic = true\n[overrides]\nstudent_lr = "fast"\n',
            r"\[overrides\] student_lr must be a number",
        ),
        (
            "[data]\nsynthetic = true\nsynthtic = true\n",
            r"unknown keys in \[data\]: \['synthtic'\]",
        ),
    ],
)
def test_every_error_names_the_file_and_the_key(tmp_path, text, match):
    path = config_file(tmp_path, text)
    with pytest.raises(ConfigError, match=match) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ")


def test_toml_types_are_kept_exactly(tmp_path):
    config = load_config(
        config_file(
            tmp_path,
            "[data]\nsynthetic = true\nstrict = false\n[overrides]\nstudent_lr = 1\n"
            "init_std = 0.02\n",
        )
    )
    assert config["data"]["synthetic"] is True and config["data"]["strict"] is False
    assert config["overrides"] == {"student_lr": 1, "init_std": 0.02}


def test_expressions_only_needed_by_methods_with_a_teacher(tmp_path):
    smic = tmp_path / "HS"
    smic.mkdir()
    text = f'methods = ["lbptop"]\n[data]\nsmic = "{smic}"\n'
    assert load_config(config_file(tmp_path, text))["data"]["expressions"] is None
    with pytest.raises(ConfigError, match=r"expressions is required by methods \['sa-at'\]"):
        load_config(config_file(tmp_path, text.replace('"lbptop"', '"lbptop", "sa-at"')))


def test_config_error_is_a_value_error():
    with pytest.raises(ValueError, match="demo-run: preset must be one of"):
        validate_config({"preset": "gpu", "data": {"synthetic": True}}, source="demo-run")


def test_missing_clips_are_explained_in_toml_terms(tmp_path):
    from saatkit.datasets import MissingClipsError
    from saatkit.datasets._megc2019 import megc2019_clip_list
    from saatkit.experiments import run_experiments

    listed = megc2019_clip_list().query("database == 'casme2'")
    coding = tmp_path / "coding.csv"
    coding.write_text(
        "Subject,Filename,OnsetFrame,ApexFrame,OffsetFrame,Estimated Emotion\n"
        + "".join(f"{r.subject[-2:]},{r.name},1,3,5,disgust\n" for r in listed.itertuples())
    )
    (tmp_path / "CASME2_RAW_selected").mkdir()
    text = (
        f'methods = ["lbptop"]\noutput = "{tmp_path / "out"}"\n[data]\n'
        f'casme2 = "{tmp_path / "CASME2_RAW_selected"}"\ncasme2_annotations = "{coding}"\n'
    )
    config = load_config(config_file(tmp_path, text))
    with pytest.raises(MissingClipsError) as error:
        run_experiments(config, log=lambda line: None)
    message = str(error.value)
    assert "Set strict = false in [data]" in message and "strict=False" not in message


def test_paths_may_be_path_objects_from_python(tmp_path):
    config = validate_config(
        {"output": tmp_path / "out", "methods": ["lbptop"], "data": {"smic": tmp_path}}
    )
    assert config["output"] == str(tmp_path / "out") and config["data"]["smic"] == str(tmp_path)
