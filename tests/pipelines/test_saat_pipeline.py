import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.model_selection import LeaveOneGroupOut, cross_validate, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from saatkit import pipelines
from saatkit.datasets import make_synthetic_expressions, make_synthetic_megc2019
from saatkit.metrics import uf1_scorer
from saatkit.nn import AttentionTransferClassifier
from saatkit.pipelines import make_saat_pipeline, make_teacher, stateless_prefix
from saatkit.preprocessing import OpticalFlow, StyleAggregator
from saatkit.protocol import evaluate_loso


@pytest.fixture(scope="module")
def clips():
    data = make_synthetic_megc2019(max_frames=10, random_state=0)
    keep = np.isin(
        data.groups,
        ["smic/s01", "smic/s02", "casme2/sub01", "casme2/sub02", "samm/006", "samm/007"],
    )
    return [c for c, k in zip(data.X, keep) if k], data.y[keep], data.groups[keep]


@pytest.fixture(scope="module")
def teacher():
    aux = make_synthetic_expressions(90, output_size=32, random_state=1)
    return make_teacher("resnet-20", teacher_epochs=1).fit(aux.X, aux.y)


def test_variants_swap_steps(teacher):
    steps = {
        v: make_saat_pipeline(teacher, variant=v).named_steps
        for v in ("resnet", "resnet-sa", "resnet-at", "sa-at")
    }
    assert steps["resnet"]["style"] == "passthrough"
    assert isinstance(steps["resnet"]["classifier"], FrozenEstimator)
    assert isinstance(steps["resnet-sa"]["style"], StyleAggregator)
    assert isinstance(steps["resnet-at"]["classifier"], AttentionTransferClassifier)
    assert steps["resnet-at"]["classifier"].teacher is teacher
    assert isinstance(steps["sa-at"]["style"], StyleAggregator)


def test_fitted_style_enters_frozen(teacher):
    faces = np.random.default_rng(0).integers(0, 255, (6, 32, 32, 3), dtype=np.uint8)
    style = StyleAggregator(method="moments").fit(faces)
    pipe = make_saat_pipeline(teacher, variant="sa-at", style=style)
    assert isinstance(pipe.named_steps["style"], FrozenEstimator)
    unfitted = make_saat_pipeline(teacher, variant="sa-at", style=StyleAggregator())
    assert isinstance(unfitted.named_steps["style"], StyleAggregator)


def test_student_keeps_teacher_maps_only_when_they_are_the_same_in_every_fold(teacher, tmp_path):
    def student_memory(**params):
        pipe = make_saat_pipeline(teacher, memory=str(tmp_path), **params)
        return pipe.named_steps["classifier"].memory

    faces = np.random.default_rng(0).integers(0, 255, (6, 32, 32, 3), dtype=np.uint8)
    assert student_memory(variant="resnet-at") == str(tmp_path)
    assert student_memory(variant="sa-at", style=StyleAggregator("moments").fit(faces)) == str(
        tmp_path
    )
    # Style aggregation fitted in each fold: other faces, other maps in every fold.
    assert student_memory(variant="sa-at") is None


def test_bad_arguments_are_named(teacher):
    with pytest.raises(ValueError, match="variant"):
        make_saat_pipeline(teacher, variant="sa")
    with pytest.raises(ValueError, match="preset"):
        make_saat_pipeline(teacher, preset="huge")
    with pytest.raises(TypeError, match="student_epoch"):
        make_saat_pipeline(teacher, student_epoch=3)
    with pytest.raises(ValueError, match="teacher"):
        make_teacher("resnet-7")


def test_stateless_prefix(teacher):
    assert stateless_prefix(make_saat_pipeline(teacher, variant="resnet")) == 4
    assert stateless_prefix(make_saat_pipeline(teacher, variant="sa-at")) == 3
    assert stateless_prefix(make_saat_pipeline(teacher, variant="resnet", input="flow")) == 5
    assert stateless_prefix(make_saat_pipeline(teacher, variant="sa-at", input="flow")) == 3
    assert stateless_prefix(pipelines.make_flow_pipeline("ststnet")) == 4
    assert stateless_prefix(pipelines.make_lbptop_pipeline()) == 3


def test_stateless_prefix_reads_the_tags():
    # A user's step that says requires_fit=False counts; one that learns stops the prefix.
    pipe = Pipeline(
        [
            ("f", FunctionTransformer()),
            ("none", None),
            ("s", StandardScaler()),
            ("g", FunctionTransformer()),
            ("c", LogisticRegression()),
        ]
    )
    assert stateless_prefix(pipe) == 2
    assert (
        stateless_prefix(Pipeline([("f", FunctionTransformer()), ("c", FunctionTransformer())]))
        == 1
    )


def test_an_unfitted_teacher_is_never_trained_on_the_clips():
    with pytest.raises(ValueError, match="fitted on an auxiliary"):
        make_saat_pipeline(make_teacher(), variant="resnet")
    with pytest.raises(ValueError, match="fitted on an auxiliary"):
        make_saat_pipeline(make_teacher(), variant="resnet-sa", input="flow")


def test_method_keys_name_variant_and_input():
    assert pipelines.split_method("sa-at") == ("sa-at", "apex")
    assert pipelines.split_method("resnet-at-flow") == ("resnet-at", "flow")
    with pytest.raises(ValueError, match="ablation"):
        pipelines.split_method("ststnet")


@pytest.fixture(scope="module")
def flow_teacher():
    # Flow-like images: a teacher only has to have been fitted on the flow input.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3, 28, 28)).astype(np.float32)
    return make_teacher("resnet-20", teacher_epochs=1).fit(X, np.arange(60) % 3)


@pytest.mark.parametrize("variant", ["resnet", "sa-at"])
def test_flow_input_runs_under_loso(clips, flow_teacher, variant, tmp_path):
    X, y, groups = clips
    pipe = make_saat_pipeline(
        flow_teacher, variant=variant, input="flow", memory=str(tmp_path), student_epochs=1
    )
    assert isinstance(pipe.named_steps["flow"], OpticalFlow)
    result = evaluate_loso(pipe, X, y, groups)
    assert result.n_folds == 6 and set(result.y_pred) <= {0, 1, 2}
    flow = pipe[:5].fit_transform(X[:2]) if variant == "resnet" else None
    if flow is not None:
        assert flow.shape == (2, 3, 28, 28) and flow.dtype == np.float32


@pytest.mark.parametrize("network, channels", [("ststnet", 3), ("offapexnet", 2)])
def test_flow_networks_run_under_loso(clips, network, channels, tmp_path):
    X, y, groups = clips
    pipe = pipelines.make_flow_pipeline(network, memory=str(tmp_path), **{f"{network}_epochs": 1})
    flow = pipe[:4].fit_transform(X)
    assert flow.shape == (len(X), channels, 28, 28)
    result = evaluate_loso(pipe, X, y, groups)
    assert result.n_folds == 6 and set(result.y_pred) <= {0, 1, 2}
    with pytest.raises(ValueError, match="network"):
        pipelines.make_flow_pipeline("lenet")


def test_precomputed_prefix_gives_the_same_predictions(clips, tmp_path):
    X, y, groups = clips
    pipe = pipelines.make_lbptop_pipeline(output_size=48, memory=str(tmp_path))
    whole = evaluate_loso(pipe, X, y, groups)
    k = stateless_prefix(pipe)
    features = pipe[:k].fit_transform(X)
    split = evaluate_loso(
        pipe[k:],
        features,
        y,
        groups,
        database=whole.database,
        subjects=whole.subjects,
        names=whole.names,
    )
    np.testing.assert_array_equal(whole.y_pred, split.y_pred)


def test_sa_at_runs_under_loso_and_cross_validate(clips, teacher, tmp_path):
    X, y, groups = clips
    pipe = make_saat_pipeline(
        teacher,
        variant="sa-at",
        memory=str(tmp_path),
        style=StyleAggregator(method="moments"),
        student_epochs=1,
    )
    result = evaluate_loso(pipe, X, y, groups)
    assert result.n_folds == 6 and set(result.y_pred) <= {0, 1, 2}
    scores = cross_validate(pipe, X, y, groups=groups, cv=LeaveOneGroupOut(), scoring=uf1_scorer)
    assert len(scores["test_score"]) == 6


def test_teacher_alone_predicts_apex_frames(clips, teacher, tmp_path):
    X, y, groups = clips
    pipe = make_saat_pipeline(teacher, variant="resnet", memory=str(tmp_path))
    pred = pipe.fit(X, y).predict(X)
    apex = pipe[:3].transform(X)
    np.testing.assert_array_equal(pred, teacher.predict(apex))


def test_demo_teacher_learns_the_expression_set():
    # The demo preset's teacher, trained as the demo trains it, must recognise held-out
    # macro-expressions: from N(0, 0.02) weights it stayed near chance after 10 epochs.
    aux = make_synthetic_expressions(600, output_size=32, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        aux.X, aux.y, test_size=0.2, stratify=aux.y, random_state=0
    )
    teacher = make_teacher(preset="demo", random_state=0).fit(X_train, y_train)
    assert teacher.get_params()["init_std"] is None
    assert recall_score(y_test, teacher.predict(X_test), average="macro") > 0.75
    assert make_teacher(preset="paper").get_params()["init_std"] == 0.02
