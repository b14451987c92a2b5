import logging

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    """A store that already sells gets its customers scored at installation, not at the first
    nightly run. The scores are an addition to the installation, not a condition of it: a company
    whose scoring fails is logged, what its scoring wrote is rolled back, and the hourly job
    scores it."""
    for company in env["res.company"].search([]):
        try:
            with env.cr.savepoint():
                env["ecom.scoring.run"]._score_customers(company)
        except Exception:
            _logger.exception("customers of %s not scored at installation: the hourly job will score them",
                              company.name)
