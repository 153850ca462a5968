"""Package data: the official MEGC 2019 list of the 442 composite clips, and the action
units of the synthetic benchmark as landmark displacements."""
