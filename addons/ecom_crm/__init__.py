from . import models
from . import cli
from .hooks import post_init_hook
