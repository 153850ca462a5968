"""CycleGAN (Zhu et al., 2017) as used by the Style Aggregated Network.

The networks follow the reference implementation's defaults: a ResNet generator
and a 70x70-style PatchGAN discriminator, both with instance normalisation
without running statistics, weights drawn from N(0, 0.02), a least-squares GAN
loss, L1 cycle and identity losses, Adam(beta1=0.5) and a pool of past fakes
for the discriminators.
"""

import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

# Names of the loss terms `CycleGAN.training_step` returns, in display order.
LOSS_NAMES = ("G_A", "G_B", "cycle_A", "cycle_B", "idt_A", "idt_B", "D_A", "D_B")


def _instance_norm(n_channels):
    # Per-image statistics only: the style of one image must not leak into
    # another through running averages.
    return nn.InstanceNorm2d(n_channels, affine=False, track_running_stats=False)


class ResnetBlock(nn.Module):
    """Two reflection-padded 3x3 convolutions with a residual connection."""

    def __init__(self, n_filters):
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(n_filters, n_filters, 3),
            _instance_norm(n_filters),
            nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(n_filters, n_filters, 3),
            _instance_norm(n_filters),
        )

    def forward(self, x):
        return x + self.block(x)


class ResnetGenerator(nn.Module):
    """CycleGAN's ResNet generator: c7s1-k, d2k, d4k, n x R4k, u2k, uk, c7s1-C.

    Maps ``(n, C, S, S)`` images in [-1, 1] to images of the same shape; ``S``
    must be a multiple of 4 (two stride-2 down-samplings).

    Parameters
    ----------
    n_channels : int, default=3
        Image channels ``C``.
    n_filters : int, default=64
        Filters of the first convolution (``k``); the down-samplings double them twice.
    n_blocks : int, default=9
        Residual blocks at the lowest resolution (9 for 256x256 images in the paper).
    """

    def __init__(self, n_channels=3, n_filters=64, n_blocks=9):
        super().__init__()
        layers = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(n_channels, n_filters, 7),
            _instance_norm(n_filters),
            nn.ReLU(inplace=True),
        ]
        width = n_filters
        for _ in range(2):
            layers += [
                nn.Conv2d(width, 2 * width, 3, stride=2, padding=1),
                _instance_norm(2 * width),
                nn.ReLU(inplace=True),
            ]
            width *= 2
        layers += [ResnetBlock(width) for _ in range(n_blocks)]
        for _ in range(2):
            layers += [
                nn.ConvTranspose2d(width, width // 2, 3, stride=2, padding=1, output_padding=1),
                _instance_norm(width // 2),
                nn.ReLU(inplace=True),
            ]
            width //= 2
        layers += [
            nn.ReflectionPad2d(3),
            nn.Conv2d(width, n_channels, 7),
            nn.Tanh(),
        ]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class PatchDiscriminator(nn.Module):
    """PatchGAN discriminator: a map of real/fake scores, one per image patch.

    With ``n_layers=3`` each score sees a 70x70 receptive field; inputs need at
    least 32x32 pixels so the last normalised map keeps more than one element.

    Parameters
    ----------
    n_channels : int, default=3
        Image channels.
    n_filters : int, default=64
        Filters of the first convolution; each further layer doubles them (up to 8x).
    n_layers : int, default=3
        Convolutions after the first, each normalised; all but the last have stride 2.
    """

    def __init__(self, n_channels=3, n_filters=64, n_layers=3):
        super().__init__()
        layers = [
            nn.Conv2d(n_channels, n_filters, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2, inplace=True),
        ]
        width = n_filters
        for i in range(1, n_layers + 1):
            out = n_filters * min(2**i, 8)
            stride = 2 if i < n_layers else 1
            layers += [
                nn.Conv2d(width, out, 4, stride=stride, padding=1),
                _instance_norm(out),
                nn.LeakyReLU(0.2, inplace=True),
            ]
            width = out
        layers.append(nn.Conv2d(width, 1, 4, stride=1, padding=1))
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def init_weights(module, generator):
    """CycleGAN's "normal" initialisation, N(0, 0.02), from a seeded generator."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02, generator=generator)
            nn.init.zeros_(m.bias)


class ImagePool:
    """Buffer of past generated images (Shrivastava et al., 2017).

    Once full, each query returns, with probability 1/2, a stored image (which
    the new one replaces) instead of the new one, so the discriminator also
    sees older generator outputs and the adversarial game oscillates less.
    """

    def __init__(self, size, rng):
        self.size = size
        self.rng = rng
        self.images = []

    def query(self, images):
        if self.size == 0:
            return images
        out = []
        for image in images.detach():
            image = image.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(image)
                out.append(image)
            elif self.rng.uniform() < 0.5:
                i = self.rng.randint(self.size)
                out.append(self.images[i].clone())
                self.images[i] = image
            else:
                out.append(image)
        return torch.cat(out)


class CycleGAN(nn.Module):
    """Two generators and two discriminators trained with CycleGAN's objective.

    ``generator_a`` maps domain A to B and ``discriminator_a`` judges its
    outputs against real B images; ``generator_b`` and ``discriminator_b`` do
    the same from B to A (the reference implementation's naming).

    Parameters
    ----------
    n_channels : int
        Image channels (3 for RGB, 1 for grey).
    n_filters : int
        Filters of the first generator and discriminator layers (ngf = ndf).
    n_blocks : int
        Residual blocks of each generator.
    cycle_weight : float
        Weight of the L1 cycle-consistency losses.
    identity_weight : float
        Weight of the L1 identity losses ``|G_A(b) - b|`` and ``|G_B(a) - a|``.
    pool_size : int
        Size of each discriminator's pool of past fakes.
    lr : float
        Adam learning rate (beta1 = 0.5, beta2 = 0.999).
    generator : torch.Generator
        Source of the initial weights.
    rng : numpy.random.RandomState
        Source of the image pools' choices.
    """

    def __init__(
        self,
        n_channels,
        n_filters,
        n_blocks,
        *,
        cycle_weight,
        identity_weight,
        pool_size,
        lr,
        generator,
        rng,
    ):
        super().__init__()
        self.generator_a = ResnetGenerator(n_channels, n_filters, n_blocks)
        self.generator_b = ResnetGenerator(n_channels, n_filters, n_blocks)
        self.discriminator_a = PatchDiscriminator(n_channels, n_filters)
        self.discriminator_b = PatchDiscriminator(n_channels, n_filters)
        init_weights(self, generator)
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.pool_a = ImagePool(pool_size, rng)  # past G_B outputs (fake A)
        self.pool_b = ImagePool(pool_size, rng)  # past G_A outputs (fake B)
        betas = (0.5, 0.999)
        generators = [*self.generator_a.parameters(), *self.generator_b.parameters()]
        discriminators = [
            *self.discriminator_a.parameters(),
            *self.discriminator_b.parameters(),
        ]
        self.optimizer_g = torch.optim.Adam(generators, lr=lr, betas=betas)
        self.optimizer_d = torch.optim.Adam(discriminators, lr=lr, betas=betas)

    @staticmethod
    def _gan_loss(scores, real):
        # Least-squares GAN: push scores to 1 for real, 0 for fake.
        target = torch.ones_like(scores) if real else torch.zeros_like(scores)
        return F.mse_loss(scores, target)

    def training_step(self, real_a, real_b):
        """One generator update then one discriminator update.

        Parameters
        ----------
        real_a, real_b : torch.Tensor of shape (n, C, S, S)
            Unpaired batches from domains A and B, values in [-1, 1].

        Returns
        -------
        losses : dict of str to float
            The weighted loss terms named in ``LOSS_NAMES``: adversarial
            ``G_A``, ``G_B``; ``cycle_A``, ``cycle_B``; ``idt_A``, ``idt_B``;
            and the discriminators' ``D_A``, ``D_B``.
        """
        fake_b = self.generator_a(real_a)
        fake_a = self.generator_b(real_b)

        discriminators = (self.discriminator_a, self.discriminator_b)
        for p in (p for d in discriminators for p in d.parameters()):
            p.requires_grad_(False)
        self.optimizer_g.zero_grad()
        losses = {
            "G_A": self._gan_loss(self.discriminator_a(fake_b), True),
            "G_B": self._gan_loss(self.discriminator_b(fake_a), True),
            "cycle_A": self.cycle_weight * F.l1_loss(self.generator_b(fake_b), real_a),
            "cycle_B": self.cycle_weight * F.l1_loss(self.generator_a(fake_a), real_b),
        }
        if self.identity_weight > 0:
            losses["idt_A"] = self.identity_weight * F.l1_loss(self.generator_a(real_b), real_b)
            losses["idt_B"] = self.identity_weight * F.l1_loss(self.generator_b(real_a), real_a)
        else:
            zero = real_a.new_zeros(())
            losses["idt_A"] = losses["idt_B"] = zero
        sum(losses.values()).backward()
        self.optimizer_g.step()
        for p in (p for d in discriminators for p in d.parameters()):
            p.requires_grad_(True)

        self.optimizer_d.zero_grad()
        pooled_b = self.pool_b.query(fake_b)
        pooled_a = self.pool_a.query(fake_a)
        losses["D_A"] = 0.5 * (
            self._gan_loss(self.discriminator_a(real_b), True)
            + self._gan_loss(self.discriminator_a(pooled_b), False)
        )
        losses["D_B"] = 0.5 * (
            self._gan_loss(self.discriminator_b(real_a), True)
            + self._gan_loss(self.discriminator_b(pooled_a), False)
        )
        (losses["D_A"] + losses["D_B"]).backward()
        self.optimizer_d.step()
        return {name: losses[name].item() for name in LOSS_NAMES}


def _linear_decay(max_epochs):
    # CycleGAN keeps the rate for the first half of training, then decays it
    # linearly towards zero over the second half.
    n_constant = (max_epochs + 1) // 2
    n_decay = max_epochs - n_constant

    def factor(epoch):
        return 1.0 - max(0, epoch + 1 - n_constant) / (n_decay + 1)

    return factor


def train_cyclegan(model, images_a, images_b, *, max_epochs, batch_size, rng, verbose=0):
    """Train ``model`` on unpaired images and return the per-epoch mean losses.

    An epoch walks once through the larger domain in shuffled batches, each
    paired with a batch drawn from the other domain's own shuffled cycle (the
    reference "unaligned" data loader); each image is flipped left-right with
    probability 1/2.

    Parameters
    ----------
    model : CycleGAN
    images_a, images_b : torch.Tensor of shape (n, C, S, S)
        Images of domains A and B in [-1, 1], on the model's device.
    max_epochs, batch_size : int
    rng : numpy.random.RandomState
        Source of the batch order and flips.
    verbose : int
        Print one line of mean losses per epoch when > 0.

    Returns
    -------
    history : list of dict
        One dict per epoch: the mean of each loss in ``LOSS_NAMES``, plus
        ``"epoch"`` and ``"duration"`` (seconds).
    """
    schedules = [
        torch.optim.lr_scheduler.LambdaLR(opt, _linear_decay(max_epochs))
        for opt in (model.optimizer_g, model.optimizer_d)
    ]
    n_steps = -(-max(len(images_a), len(images_b)) // batch_size)
    streams = [_index_stream(len(x), rng) for x in (images_a, images_b)]
    history = []
    model.train()
    for epoch in range(max_epochs):
        start = time.perf_counter()
        totals = dict.fromkeys(LOSS_NAMES, 0.0)
        for _ in range(n_steps):
            batches = [
                _random_flip(x[_take(stream, batch_size)], rng)
                for x, stream in zip((images_a, images_b), streams)
            ]
            for name, value in model.training_step(*batches).items():
                totals[name] += value
        for schedule in schedules:
            schedule.step()
        record = {name: total / n_steps for name, total in totals.items()}
        record.update(epoch=epoch + 1, duration=time.perf_counter() - start)
        history.append(record)
        if verbose > 0:
            losses = "  ".join(f"{name} {record[name]:.3f}" for name in LOSS_NAMES)
            print(
                f"CycleGAN epoch {epoch + 1}/{max_epochs}  {losses}  ({record['duration']:.1f}s)",
                flush=True,
            )
    model.eval()
    return history


def _index_stream(n, rng):
    while True:
        yield from rng.permutation(n)


def _take(stream, k):
    return torch.as_tensor(np.fromiter(stream, dtype=np.int64, count=k))


def _random_flip(x, rng):
    flip = torch.as_tensor(rng.uniform(size=len(x)) < 0.5, device=x.device)
    return torch.where(flip[:, None, None, None], x.flip(-1), x)
