"""Settings of the style aggregator's CycleGAN, for a CPU and as in the paper."""

STYLE_PRESETS = {
    # Trains in a few minutes on one CPU core for ~150 64x64 faces.
    "demo": dict(image_size=64, n_filters=16, n_blocks=3, max_epochs=20, batch_size=8),
    # Dong et al. (2018) / Zhu et al. (2017): needs a GPU.
    "paper": dict(image_size=256, n_filters=64, n_blocks=9, max_epochs=200, batch_size=1),
}
