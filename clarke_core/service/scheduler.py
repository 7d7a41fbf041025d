"""Fair sharing of the sandbox's worker slots between owners (sessions).

Calls made for an ``owner`` (a session: ``sandbox.run(..., owner=...)`` or inside
``sandbox.acting_for(owner)``) are scheduled fairly: an owner runs at most one worker and queues
at most one call (a newer one replaces it, and the replaced caller gets ``REPLACED``), a free
worker goes to the waiting owner served least recently, and owners whose last call ran out of
time share at most ``workers - 1`` workers, so that a few students sending slow inputs cannot
hold every worker while another waits. Calls without an owner (the command line, tests) each
count as an owner of their own. A call that waits over ``QUEUE_WAIT`` seconds is refused with
``BUSY``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from ..errors import InputError

QUEUE_WAIT = 30.0  # seconds a call may wait for a free worker slot before it is refused
SLOW_KEPT = 120.0  # seconds an owner whose last call ran out of time counts as slow
OWNERS_KEPT = 4096  # owners whose last turn (and slowness) is remembered, oldest dropped first
CANCEL_POLL = 0.2  # seconds between two looks at a waiting call's cancel check
EVENTS_KEPT = 1000  # scheduling events kept for tests and logs

BUSY = "The server is busy right now; try again in a moment."
REPLACED = "A newer request from this page replaced this one before it ran."

class Ticket:
    """One call waiting for, or holding, a worker slot."""

    __slots__ = ("owner", "named", "seq", "state", "slow")

    def __init__(self, owner: object, named: bool, seq: int, slow: bool) -> None:
        self.owner, self.named, self.seq, self.slow = owner, named, seq, slow
        self.state = "waiting"  # then "running" and "done", or "replaced"


class Scheduler:
    """``workers`` slots shared fairly between owners (sessions).

    An owner holds at most one slot and has at most one call queued: a newer call replaces the
    queued one, which is refused with ``REPLACED`` without running. A free slot goes to the
    waiting owner served least recently (round-robin over sessions, not first come), and owners
    whose last call ran out of time share at most ``workers - 1`` slots, so that one stays free
    for everybody else. A call without an owner is an owner of its own: such calls queue as
    they always did. What happened is recorded in ``events`` (bounded), so that tests check the
    rules rather than clocks.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.cond = threading.Condition()
        self.holding: list[Ticket] = []
        self.waiting: OrderedDict[object, Ticket] = OrderedDict()
        self.served: OrderedDict[object, int] = OrderedDict()  # owner -> turn of its last start
        self.slow_until: OrderedDict[object, float] = OrderedDict()
        self.turn = self.seq = 0
        self.events: deque[tuple[str, object, int]] = deque(maxlen=EVENTS_KEPT)
        self.most_per_owner = 0  # the most slots one owner ever held at once
        self.most_slow = 0  # the most slots owners marked slow ever held at once

    def acquire(self, owner: object, cancelled: Callable[[], bool] | None = None) -> Ticket:
        """Wait for a slot; raises ``InputError`` (busy, or replaced by a newer call)."""
        with self.cond:
            self.seq += 1
            key = owner if owner is not None else ("anonymous", self.seq)
            ticket = Ticket(key, owner is not None, self.seq, self._is_slow(key))
            old = self.waiting.pop(key, None)
            if old is not None:
                old.state = "replaced"
                self.events.append(("replaced", key, old.seq))
            self.waiting[key] = ticket
            self.events.append(("queued", key, ticket.seq))
            self.cond.notify_all()
            deadline = time.monotonic() + QUEUE_WAIT
            while True:
                if ticket.state == "replaced":
                    raise InputError(REPLACED)
                if self._next() is ticket:
                    self._start(ticket)
                    return ticket
                left = deadline - time.monotonic()
                gave_up = left <= 0 or (cancelled is not None and _asks(cancelled))
                if gave_up:
                    del self.waiting[key]
                    self.events.append(("gave up", key, ticket.seq))
                    self.cond.notify_all()
                    raise InputError(BUSY if left <= 0 else REPLACED)
                # Every release wakes us; the short wait only bounds how late a cancel is seen.
                self.cond.wait(min(left, CANCEL_POLL) if cancelled is not None else left)

    def release(self, ticket: Ticket, *, timed_out: bool) -> None:
        with self.cond:
            self.holding.remove(ticket)
            ticket.state = "done"
            if ticket.named and timed_out:
                self.slow_until[ticket.owner] = time.monotonic() + SLOW_KEPT
                self.slow_until.move_to_end(ticket.owner)
                while len(self.slow_until) > OWNERS_KEPT:
                    self.slow_until.popitem(last=False)
            else:
                self.slow_until.pop(ticket.owner, None)
            self.events.append(("done", ticket.owner, ticket.seq))
            self.cond.notify_all()

    def _is_slow(self, owner: object) -> bool:
        until = self.slow_until.get(owner)
        if until is not None and until < time.monotonic():
            del self.slow_until[owner]
            return False
        return until is not None

    def _next(self) -> Ticket | None:
        """The waiting ticket that may take a free slot now, or None."""
        if len(self.holding) >= self.workers:
            return None
        busy = {t.owner for t in self.holding}
        slow = sum(t.slow for t in self.holding)
        ready = [t for t in self.waiting.values()
                 if t.owner not in busy and not (t.slow and 0 < self.workers - 1 <= slow)]
        return min(ready, key=lambda t: (self.served.get(t.owner, 0), t.seq), default=None)

    def _start(self, ticket: Ticket) -> None:
        del self.waiting[ticket.owner]
        ticket.state = "running"
        self.holding.append(ticket)
        self.turn += 1
        if ticket.named:
            self.served[ticket.owner] = self.turn
            self.served.move_to_end(ticket.owner)
            while len(self.served) > OWNERS_KEPT:
                self.served.popitem(last=False)
        self.most_per_owner = max(self.most_per_owner,
                                  sum(t.owner == ticket.owner for t in self.holding))
        self.most_slow = max(self.most_slow, sum(t.slow for t in self.holding))
        self.events.append(("started", ticket.owner, ticket.seq))


def _asks(cancelled: Callable[[], bool]) -> bool:
    try:
        return bool(cancelled())
    except Exception:  # a cancel check that breaks must not break the call
        return False
