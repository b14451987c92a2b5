def post_init_hook(env):
    """A store that already sells gets its customers scored at installation, not at the first
    nightly run."""
    env["ecom.scoring.run"]._score_customers()
