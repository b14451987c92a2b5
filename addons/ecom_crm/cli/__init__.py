from . import demo_store
