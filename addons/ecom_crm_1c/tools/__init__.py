from . import binder
from . import bulk
