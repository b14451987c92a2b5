"""Scoring maths in plain Python (no ORM): tested without a database."""
from .rfm import GROUPS, RfmThresholds, classify, score
