"""Package data: the official MEGC 2019 list of the 442 composite clips."""
