import math

import pytest
import torch
import torch.nn.functional as F

from saatkit.nn import attention_map, attention_transfer_loss


def test_attention_map_by_hand():
    # Two channels over a 1x2 image: |A| summed over channels is [4, 3].
    A = torch.tensor([[[[3.0, 0.0]], [[-1.0, 3.0]]]])
    assert torch.allclose(attention_map(A), torch.tensor([[[0.8, 0.6]]]))
    # p = 2: [9 + 1, 0 + 9] = [10, 9], norm sqrt(181).
    expected = torch.tensor([[[10.0, 9.0]]]) / math.sqrt(181)
    assert torch.allclose(attention_map(A, p=2), expected)


def test_attention_map_is_unit_norm_per_sample_and_keeps_spatial_shape():
    maps = attention_map(torch.randn(3, 5, 4, 6), p=1)
    assert maps.shape == (3, 4, 6)
    assert torch.allclose(maps.flatten(1).norm(dim=1), torch.ones(3))


@pytest.mark.parametrize("p", [0.5, 0, -1, True, "1"])
def test_attention_map_rejects_bad_p(p):
    with pytest.raises(ValueError, match="p must be"):
        attention_map(torch.ones(1, 1, 2, 2), p=p)


def test_attention_map_rejects_non_4d_input():
    with pytest.raises(ValueError, match=r"\(n, C, H, W\)"):
        attention_map(torch.ones(2, 3, 4))


# Batch of two one-stage maps, shape (2, 1, 2):
# sample 0: [3, 4] -> [.6, .8] vs [4, 3] -> [.8, .6]: d = [-.2, .2], ||d|| = sqrt(.08)
# sample 1: [1, 0] vs [0, 2] -> [0, 1]: d = [1, -1], ||d|| = sqrt(2)
STUDENT = torch.tensor([[[3.0, 4.0]], [[1.0, 0.0]]])
TEACHER = torch.tensor([[[4.0, 3.0]], [[0.0, 2.0]]])


def test_paper_loss_by_hand_batch_of_two():
    expected = 0.5 * (math.sqrt(0.08) + math.sqrt(2)) / 2  # beta / 2 * mean of norms
    loss = attention_transfer_loss([STUDENT], [TEACHER], beta=1.0)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # The norm is not squared: squaring would give 0.5 * (0.08 + 2) / 2 = 0.52.
    assert loss.item() != pytest.approx(0.52, rel=1e-3)


def test_paper_loss_sums_over_stages_and_scales_with_beta():
    one = attention_transfer_loss([STUDENT], [TEACHER], beta=1.0)
    two = attention_transfer_loss([STUDENT, STUDENT], [TEACHER, TEACHER], beta=3.0)
    assert two.item() == pytest.approx(6 * one.item(), rel=1e-6)


def test_zagoruyko_loss_by_hand():
    # Squared differences averaged over batch and positions:
    # (.04 + .04 + 1 + 1) / 4 = .52, times beta / 2.
    loss = attention_transfer_loss([STUDENT], [TEACHER], beta=2.0, form="zagoruyko")
    assert loss.item() == pytest.approx(0.52, rel=1e-6)


def test_zagoruyko_form_matches_the_released_code():
    def at(x):
        return F.normalize(x.pow(2).mean(1).view(x.size(0), -1))

    def at_loss(x, y):
        return (at(x) - at(y)).pow(2).mean()

    generator = torch.Generator().manual_seed(0)
    shapes = [(4, 8, 6, 6), (4, 16, 3, 3), (4, 32, 6, 6), (4, 64, 3, 3)]
    s1, s2, t1, t2 = (torch.randn(*shape, generator=generator) for shape in shapes)
    student, teacher = [s1, s2], [t1, t2]
    beta = 1000.0
    reference = beta / 2 * sum(at_loss(s, t) for s, t in zip(student, teacher))
    ours = attention_transfer_loss(student, teacher, beta, form="zagoruyko")  # p defaults to 2
    assert torch.allclose(ours, reference, rtol=1e-5)


def test_activations_and_maps_give_the_same_loss():
    generator = torch.Generator().manual_seed(1)
    student = torch.randn(3, 4, 5, 5, generator=generator)
    teacher = torch.randn(3, 7, 5, 5, generator=generator)
    from_activations = attention_transfer_loss([student], [teacher], beta=1.0, p=2)
    from_maps = attention_transfer_loss(
        [attention_map(student, p=2)], [attention_map(teacher, p=2).flatten(1)], beta=1.0
    )
    assert torch.allclose(from_activations, from_maps)


@pytest.mark.parametrize("form", ["paper", "zagoruyko"])
def test_all_zero_maps_give_no_nan(form):
    student = torch.zeros(2, 3, 4, 4, requires_grad=True)
    teacher = torch.zeros(2, 5, 4, 4, requires_grad=True)
    loss = attention_transfer_loss([student], [teacher], beta=1.0, form=form)
    loss.backward()
    assert loss.item() == 0.0
    assert torch.equal(student.grad, torch.zeros_like(student))
    assert torch.equal(teacher.grad, torch.zeros_like(teacher))


def test_zero_student_against_a_teacher_map():
    # The zero map stays zero, so the difference is the unit teacher map.
    student = torch.zeros(2, 3, 2, 2, requires_grad=True)
    teacher = torch.rand(2, 2, 2) + 0.1
    loss = attention_transfer_loss([student], [teacher], beta=4.0)
    loss.backward()
    assert loss.item() == pytest.approx(2.0)
    assert torch.isfinite(student.grad).all()


def test_gradient_reaches_the_student():
    student = torch.rand(2, 3, 4, 4, requires_grad=True)
    attention_transfer_loss([student], [torch.rand(2, 4, 4)], beta=1.0).backward()
    assert student.grad.abs().sum() > 0


def test_mismatched_maps_are_rejected():
    with pytest.raises(ValueError, match=r"Stage pair 0.*\(2, 4, 4\).*\(2, 2, 2\)"):
        attention_transfer_loss([torch.rand(2, 4, 4)], [torch.rand(2, 2, 2)], beta=1.0)
    with pytest.raises(ValueError, match="2 student maps and 1 teacher"):
        attention_transfer_loss([torch.rand(2, 4, 4)] * 2, [torch.rand(2, 4, 4)], beta=1.0)
    with pytest.raises(ValueError, match="form"):
        attention_transfer_loss([STUDENT], [TEACHER], beta=1.0, form="squared")
    with pytest.raises(ValueError, match="teacher_maps\\[0\\]"):
        attention_transfer_loss([STUDENT], [torch.rand(2)], beta=1.0)
