from . import binder
from . import bulk
from . import matching
from . import savepoint
from . import weights
