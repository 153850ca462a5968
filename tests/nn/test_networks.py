import pytest
import torch

from saatkit.nn import CifarResNet, SmallAlexNet, SmallVGG16


def n_parameters(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("depth, expected", [(20, 269_722), (110, 1_727_962)])
def test_cifar_resnet_parameter_counts(depth, expected):
    assert n_parameters(CifarResNet(depth=depth, n_classes=10, in_channels=3, width=1)) == expected


def test_cifar_resnet_depth_38_has_six_blocks_per_stage():
    net = CifarResNet(depth=38)
    assert [len(stage) for stage in net.stages] == [6, 6, 6]


@pytest.mark.parametrize("depth", [0, 2, 18, 27, 51, 20.0, "20", True])
def test_cifar_resnet_rejects_unsupported_depths(depth):
    with pytest.raises(ValueError, match="depth must be 6n"):
        CifarResNet(depth=depth)


def test_cifar_resnet_depth_50_of_table_2_has_eight_blocks_per_stage():
    assert [len(stage) for stage in CifarResNet(depth=50).stages] == [8, 8, 8]


@pytest.mark.parametrize("name, value", [("n_classes", 0), ("in_channels", 1.5), ("width", 0)])
def test_cifar_resnet_rejects_bad_sizes(name, value):
    with pytest.raises(ValueError, match=name):
        CifarResNet(**{name: value})


def test_cifar_resnet_stage_outputs_follow_relu_and_halve_the_size():
    net = CifarResNet(depth=20, n_classes=4, in_channels=1, width=2).eval()
    logits, *stages = net(torch.randn(3, 1, 15, 17), return_stages=True)
    assert logits.shape == (3, 4)
    assert [tuple(s.shape[1:]) for s in stages] == [(32, 15, 17), (64, 8, 9), (128, 4, 5)]
    assert all((s >= 0).all() for s in stages)
    assert torch.equal(net(torch.zeros(1, 1, 15, 17)), net(torch.zeros(1, 1, 15, 17)))


def test_cifar_resnet_shortcuts_have_no_parameters():
    # Option A: a block that changes shape has exactly the parameters of its
    # two convolutions and batch norms.
    block = CifarResNet(depth=20).stages[1][0]
    expected = 16 * 32 * 9 + 32 * 32 * 9 + 4 * 32
    assert n_parameters(block) == expected


@pytest.mark.parametrize("size", [1, 5, 8, 33])
def test_all_networks_accept_any_input_size(size):
    for net in (CifarResNet(n_classes=3), SmallAlexNet(n_classes=3), SmallVGG16(n_classes=3)):
        assert net.eval()(torch.rand(2, 3, size, size)).shape == (2, 3)


def test_small_alexnet_and_vgg_stages_match_resnet_resolutions():
    x = torch.rand(2, 3, 20, 20)
    resnet_sizes = [s.shape[2:] for s in CifarResNet()(x, return_stages=True)[1:]]
    alex = SmallAlexNet().eval()(x, return_stages=True)
    vgg = SmallVGG16().eval()(x, return_stages=True)
    assert [s.shape[2:] for s in alex[1:]] == resnet_sizes
    assert [s.shape[2:] for s in vgg[1:4]] == resnet_sizes
    assert len(vgg) == 1 + 5 and SmallVGG16().n_stages == 5
    # AlexNet has five convolutions and three linear layers, VGG-16 thirteen and three.
    for net, convs in ((SmallAlexNet(), 5), (SmallVGG16(), 13)):
        layers = list(net.modules())
        assert sum(isinstance(m, torch.nn.Conv2d) for m in layers) == convs
        assert sum(isinstance(m, torch.nn.Linear) for m in layers) == 3


def test_width_scales_the_small_networks():
    assert n_parameters(SmallVGG16(width=0.5)) < n_parameters(SmallVGG16()) / 3
    with pytest.raises(ValueError, match="width"):
        SmallAlexNet(width=-1)
    with pytest.raises(ValueError, match="dropout"):
        SmallVGG16(dropout=1.0)


def test_small_vgg16_starts_from_he_initialisation():
    torch.manual_seed(0)
    net = SmallVGG16(n_classes=3)
    conv = net.stages[3][1]  # 3x3, 128 filters: He's std is sqrt(2 / (9 * 128)) (fan-out)
    assert conv.weight.std().item() == pytest.approx((2 / (9 * 128)) ** 0.5, rel=0.05)
    first_linear = net.head[2]  # 128 inputs: sqrt(2 / 128)
    assert first_linear.weight.std().item() == pytest.approx((2 / 128) ** 0.5, rel=0.05)
    assert all((m.bias == 0).all() for m in net.modules() if isinstance(m, torch.nn.Linear))


def test_small_alexnet_normalises_in_place_of_dropout():
    net = SmallAlexNet(n_classes=3)
    layers = list(net.modules())
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in layers) == 5
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in layers) == 2
    assert all(m.p == 0 for m in layers if isinstance(m, torch.nn.Dropout))
    plain = SmallAlexNet(n_classes=3, batch_norm=False, dropout=0.5)
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in plain.modules())
    # Stage outputs still follow a ReLU, at the sizes of CifarResNet's stages.
    _, *stages = net.train()(torch.rand(2, 3, 20, 20), return_stages=True)
    assert [tuple(s.shape[1:]) for s in stages] == [(32, 20, 20), (96, 10, 10), (128, 5, 5)]
    assert all((s >= 0).all() for s in stages)
