"""What the engine is run with (:class:`Settings`), apart from the engine: reading a company's
settings imports numpy only, not scipy and scikit-learn."""

from dataclasses import dataclass, field

from . import schedule, segments


@dataclass(frozen=True)
class Settings:
    """A run's settings: the horizon the chance of an order is for (days), the training snapshots
    (how many, how many days apart) and rows, the reasons told a customer, the cross-sell's
    level and training customers, the season's recalibration, the groups' thresholds
    (:class:`.segments.GroupRules`), the schedule's (:class:`.schedule.ScheduleSettings`) and the
    seed of every random draw. The Odoo job builds it from the company's settings."""

    horizon: int = 90
    snapshots: int = 3
    snapshot_step: int = 30
    max_train_rows: int = 100_000
    n_reasons: int = 3
    crosssell: bool = True
    crosssell_level: str | None = None
    crosssell_train_customers: int = 20_000
    # recalibrate the order model on the same season last year (:mod:`.season`), learn the offers
    # on it too (:func:`.crosssell.training_windows`)
    seasonal: bool = True
    rules: segments.GroupRules = field(default_factory=segments.GroupRules)
    contact: schedule.ScheduleSettings = field(default_factory=schedule.ScheduleSettings)
    seed: int = 0
