"""A savepoint whose rollback takes back, with the data, the callbacks registered inside it to run after the
commit (``cr.postcommit``: a notification's sending job woken up, an e-mail sent, the bus told). Odoo's own
savepoint leaves them: they would run after the transaction's next commit, for records that no longer exist."""

import contextlib
import copy
from collections.abc import MutableSequence, MutableSet


@contextlib.contextmanager
def savepoint(cr, flush=True):
    """``cr.savepoint(flush)``; rolled back (an exception leaves the block, raised on), the cursor's after-commit
    callbacks and their data are again those it had as the block began. Its before-commit ones are Odoo's to
    handle: a flushing savepoint runs them as it begins and drops those of the block with its data."""
    postcommit = cr.postcommit
    funcs = list(postcommit._funcs)
    data = {key: _copied(value) for key, value in postcommit.data.items()}  # sets and lists filled in place
    try:
        with cr.savepoint(flush=flush):
            yield
    except BaseException:
        postcommit._funcs.clear()
        postcommit._funcs.extend(funcs)
        postcommit.data.clear()
        postcommit.data.update(data)
        raise


def _copied(value):
    """A copy of ``value`` of its own items: Odoo's OrderedSet (the bus's channels) copied by ``copy.copy`` would
    share its items with the original."""
    if isinstance(value, (set, list, dict)):
        return copy.copy(value)
    if isinstance(value, (MutableSet, MutableSequence)):
        return type(value)(value)
    return copy.copy(value)
