from . import binder
from . import bulk
from . import savepoint
