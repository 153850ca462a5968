import numpy as np
import pytest
import torch

from saatkit.metrics import uar_score
from saatkit.nn import (
    AttentionTransferClassifier,
    CifarResNet,
    OFFApexNet,
    STSTNet,
    TeacherClassifier,
)


def n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def test_ststnet_has_1683_parameters_for_3x28x28_flow_and_3_classes():
    net = STSTNet(n_classes=3, in_channels=3)
    assert n_parameters(net) == 1683
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    # The three streams of 3, 5 and 8 filters, run as one convolution.
    assert [c.out_channels for c in convs] == [16]
    assert all(c.kernel_size == (3, 3) and c.padding == (2, 2) for c in convs)
    # The linear layer sees the 16 maps pooled to 5x5: 400 inputs.
    (linear,) = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert linear.in_features == 400


def test_ststnet_stage_is_the_16_pooled_maps_and_feeds_the_head():
    net = STSTNet(n_classes=4).eval()
    x = torch.randn(5, 3, 28, 28)
    logits, stage = net(x, return_stages=True)
    assert logits.shape == (5, 4) and stage.shape == (5, 16, 10, 10)
    assert torch.allclose(net.head(stage), logits)
    # In stream order: the first 3 maps are those of a 3-filter stream alone.
    first = STSTNet(n_classes=4, stream_filters=(3,)).eval()
    for mine, whole in zip(first.stages[0], net.stages[0]):
        for name, value in mine.state_dict().items():
            if value.ndim:
                value.copy_(whole.state_dict()[name][:3])
    assert torch.allclose(stage[:, :3], first.stages[0](x), atol=1e-6)


@pytest.mark.parametrize("size, expected", [(1, 1), (5, 3), (28, 10), (64, 22)])
def test_ststnet_accepts_other_sizes_with_the_same_parameters(size, expected):
    net = STSTNet(in_channels=2).eval()
    logits, stage = net(torch.rand(2, 2, size, size), return_stages=True)
    assert logits.shape == (2, 3) and stage.shape[2:] == (expected, expected)
    assert n_parameters(net) == 1683 - 16 * 9  # one input channel fewer


@pytest.mark.parametrize(
    "params, match",
    [
        ({"stream_filters": ()}, "stream_filters"),
        ({"stream_filters": (3, 0)}, "stream_filters"),
        ({"dropout": 1.0}, "dropout"),
        ({"n_classes": 0}, "n_classes"),
    ],
)
def test_ststnet_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        STSTNet(**params)


def test_offapexnet_streams_see_one_channel_each():
    net = OFFApexNet(n_classes=3).eval()
    assert n_parameters(net) == 2_664_475
    x = torch.randn(4, 2, 28, 28)
    logits, first, second = net(x, return_stages=True)
    assert logits.shape == (4, 3)
    assert first.shape == (4, 12, 28, 28) and second.shape == (4, 32, 14, 14)
    moved = x.clone()
    moved[:, 1] = torch.randn(4, 28, 28)  # change v only
    _, first_moved, second_moved = net(moved, return_stages=True)
    assert torch.equal(first[:, :6], first_moved[:, :6])
    assert torch.equal(second[:, :16], second_moved[:, :16])
    assert not torch.equal(second[:, 16:], second_moved[:, 16:])


@pytest.mark.parametrize("channels", [1, 3])
def test_offapexnet_refuses_other_than_u_and_v(channels):
    with pytest.raises(ValueError, match=r'OpticalFlow\(components=\("u", "v"\)\)'):
        OFFApexNet(in_channels=channels)


def test_offapexnet_fitted_on_three_channel_flow_says_what_to_do(flow_maker):
    X, y = flow_maker(12, seed=0)
    net = TeacherClassifier(OFFApexNet, max_epochs=1, init_std=None)
    with pytest.raises(ValueError, match="in_channels=2; got 3"):
        net.fit(X, y)


def test_ststnet_teacher_and_student_run_end_to_end_on_float_flow(flow_maker):
    X, y = flow_maker(48, seed=0)
    teacher = TeacherClassifier(STSTNet, lr=1e-3, max_epochs=2, init_std=None, random_state=0)
    teacher.fit(X, y)
    assert teacher.module_.in_channels == 3 and teacher.module_.n_classes == 3
    proba = teacher.predict_proba(X[:5])
    assert proba.shape == (5, 3) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    [maps] = teacher.attention_maps(X[:5])
    assert maps.shape == (5, 10, 10)

    student = AttentionTransferClassifier(
        teacher, STSTNet, beta=1.0, lr=1e-3, max_epochs=2, init_std=None, random_state=0
    ).fit(X, y)
    assert set(student.predict(X)) <= {0, 1, 2}
    assert [m.shape for m in student.attention_maps(X[:5])] == [(5, 10, 10)]


def test_offapexnet_student_of_a_resnet_teacher_on_u_and_v(flow_maker):
    X, y = flow_maker(24, seed=0, components=("u", "v"))
    teacher = TeacherClassifier(CifarResNet, module__depth=8, max_epochs=1, random_state=0)
    teacher.fit(X, y)
    student = AttentionTransferClassifier(
        teacher, OFFApexNet, teacher_stages=(0, 1), max_epochs=1, init_std=None, random_state=0
    ).fit(X, y)
    assert student.predict_proba(X).shape == (24, 3)
    assert [m.shape for m in student.attention_maps(X[:2])] == [(2, 28, 28), (2, 14, 14)]


def test_ststnet_learns_flow_patterns(flow_maker):
    X, y = flow_maker(150, seed=0, noise=1.0)
    X_test, y_test = flow_maker(150, seed=1, noise=1.0)
    net = TeacherClassifier(
        STSTNet, lr=3e-3, batch_size=32, max_epochs=10, init_std=None, random_state=0
    ).fit(X, y)
    assert uar_score(y_test, net.predict(X_test)) > 0.8
