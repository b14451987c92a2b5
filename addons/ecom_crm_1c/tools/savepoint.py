"""A savepoint whose rollback takes back, with the data, the callbacks registered inside it to run after the
commit (``cr.postcommit``: a notification's sending job woken up, an e-mail sent, the bus told). Odoo's own
savepoint leaves them: they would run after the transaction's next commit, for records that no longer exist."""

import contextlib
from collections.abc import MutableMapping, MutableSequence, MutableSet


@contextlib.contextmanager
def savepoint(cr, flush=True):
    """``cr.savepoint(flush)``; rolled back (an exception leaves the block, raised on), the cursor's after-commit
    callbacks and their data are again those it had as the block began. Restored in place: the queue of callbacks,
    the dict of their data and each of its values that is a container (a list, a set, Odoo's OrderedSet of the
    bus's channels, a dict) stay the objects they were, their items again those of then (one level deep), so
    that code holding one of them (``data.setdefault(key, …)`` kept in a variable) still holds the cursor's; a key
    added in the block goes. Released, the block's callbacks stay. Its before-commit ones are Odoo's to handle: a
    flushing savepoint runs them as it begins and drops those of the block with its data."""
    postcommit, funcs = cr.postcommit, None
    try:
        with cr.savepoint(flush=flush):
            # as the savepoint began: after its flush, whose before-commit callbacks (the outer transaction's, kept
            # by the rollback) may register after-commit ones of their own
            funcs = list(postcommit._funcs)
            data = {key: (value, _items(value)) for key, value in postcommit.data.items()}
            yield
    except BaseException:
        if funcs is None:  # the savepoint did not begin: nothing to take back
            raise
        postcommit._funcs.clear()
        postcommit._funcs.extend(funcs)
        postcommit.data.clear()
        for key, (value, items) in data.items():
            if items is not None:
                _restore(value, items)
            postcommit.data[key] = value
        raise


def _items(value):
    """What :func:`_restore` puts back in the container ``value``: its items (a mapping's pairs), in their order;
    None for a value that is not a mutable container (kept as it is: the object itself is its state)."""
    if isinstance(value, (dict, MutableMapping)):
        return list(value.items())
    if isinstance(value, (list, set, MutableSequence, MutableSet)):
        return list(value)
    return None


def _restore(value, items):
    """The container ``value`` holding ``items`` again (:func:`_items`), the same object."""
    if isinstance(value, (dict, MutableMapping)):
        value.clear()
        value.update(items)
    elif isinstance(value, (list, MutableSequence)):
        value.clear()
        value.extend(items)
    else:  # a set: Odoo's OrderedSet keeps the order its items are added in
        value.clear()
        for item in items:
            value.add(item)
