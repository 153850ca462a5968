"""Package data: ``combined_3class_gt.csv``, the official MEGC 2019 list of the 442
composite clips; ``coded_databases.toml``, the records of CASME II and SAMM (how each is
laid out on disk and coded); and ``synthetic_action_units.csv``, the action units of the
synthetic benchmark as landmark displacements."""
