"""Networks and estimators of SA-AT: a ResNet teacher and an attention-transfer student.

- :class:`CifarResNet`, :class:`SmallAlexNet`, :class:`SmallVGG16`: torch
  networks whose stage outputs can be read with ``forward(x, return_stages=True)``.
- :class:`STSTNet`, :class:`OFFApexNet`: the shallow networks of the
  optical-flow methods, on float flow images ``(n, C, 28, 28)``, with stage
  outputs too.
- :func:`attention_map`, :func:`attention_transfer_loss`: the attention maps
  of Eq. 2 and the transfer term of Eq. 4 of Zhou et al. (2019).
- :class:`TeacherClassifier`, :class:`AttentionTransferClassifier`: skorch /
  scikit-learn estimators on images.
- :class:`ChannelsFirst`: the step that lets a plain skorch net take their place.
- :class:`CycleGAN`, :class:`ResnetGenerator`, :class:`PatchDiscriminator`,
  :func:`train_cyclegan`: the CycleGAN of the style aggregation
  (:class:`saatkit.preprocessing.StyleAggregator`).
"""

from ._attention import attention_map, attention_transfer_loss
from ._channels_first import ChannelsFirst
from ._cyclegan import CycleGAN, PatchDiscriminator, ResnetGenerator, train_cyclegan
from ._flow_nets import OFFApexNet, STSTNet
from ._plain_nets import SmallAlexNet, SmallVGG16
from ._resnet import CifarResNet
from ._student import AttentionTransferClassifier
from ._teacher import TeacherClassifier

__all__ = [
    "AttentionTransferClassifier",
    "ChannelsFirst",
    "CifarResNet",
    "CycleGAN",
    "OFFApexNet",
    "PatchDiscriminator",
    "ResnetGenerator",
    "STSTNet",
    "SmallAlexNet",
    "SmallVGG16",
    "TeacherClassifier",
    "attention_map",
    "attention_transfer_loss",
    "train_cyclegan",
]
