"""Every signal by which one domain reacts to another, with its payload and its listeners.

A domain sends its own signals, explicitly, where the change happens; it never imports the
domains that listen. Three kinds:

- after commit: sent by the owning service once its transaction has committed; a listener
  may change its own data (and commit it) and send mail.
- in the transaction: sent before the commit, so the listener's writes are part of the same
  change (erasure must remove everything or nothing); a listener sends no mail.
- questions: the sender collects what every listener returns (`collect`).

Listeners connect in their domain's listeners.py, imported by the application factory.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace, Signal

_signals = Namespace()

# ---------------------------------------------------------------- events

event_capacity_changed = _signals.signal(
    "event-capacity-changed",
    doc="""After commit. sender: the Event whose on-site or digital capacity changed.
    registration: people waiting get the places a raised capacity freed, and are mailed.""",
)

event_rescheduled = _signals.signal(
    "event-rescheduled",
    doc="""After commit. sender: the Event whose start or end changed. messages: its reminder
    jobs move to the new times (a reminder never goes early or for the old date).""",
)

event_copied = _signals.signal(
    "event-copied",
    doc="""In the transaction. sender: the Event copied to next year's edition; copy: the new
    Event (flushed, so it has its id); shift: a function moving an instant of the old event to
    the new one (wall clock in the event's zone). Each listener copies its own set-up, never
    people's data. programme: rooms, people (with photos) and the draft programme, shifted;
    sponsors: sponsors with logos; networking: its settings (caps, interest tags), meeting
    slots (shifted) and tables.""",
)

# ---------------------------------------------------------------- registration

registration_cancelled = _signals.signal(
    "registration-cancelled",
    doc="""After commit. sender: the cancelled Registration (by the person, an organiser or an
    erasure); actor: who cancelled, as the registration history names them.
    networking: the person's requests and meetings are withdrawn, the others told.""",
)

registration_erased = _signals.signal(
    "registration-erased",
    doc="""In the transaction. sender: the Registration being anonymised.
    calendar: the agenda and its stars are deleted.
    networking: profile, blocks and delegation membership deleted, own messages blanked.
    digital: questions, votes, watch time and certificate deleted; feedback unlinked, without
    its comments.""",
)

registration_filters = _signals.signal(
    "registration-filters",
    doc="""Question. sender: None. Each listener returns {name: condition}, where
    condition(value) is an SQL condition on registrations, so that the organiser's list, the
    API and the CSV export filter by what other domains know. checkin: checked_in (bool).""",
)

personal_data_requested = _signals.signal(
    "personal-data-requested",
    doc="""Question. sender: a Registration. Each listener returns {section: JSON-ready value}
    for the person's data download. calendar: my_programme; networking: networking;
    checkin: checkin; digital: digital.""",
)

# ---------------------------------------------------------------- programme and calendar

programme_published = _signals.signal(
    "programme-published",
    doc="""After commit. sender: the Event whose programme was published; version: the new
    ProgrammeVersion; previous: the one before (None for the first). messages: speakers and
    moderators are linked to registrations and told their items (or what changed), people who
    starred an item that moved or was cancelled are told, reminders are (re)scheduled.""",
)

programme_people_context = _signals.signal(
    "programme-people-context",
    doc="""Question. sender: the Event of the organiser's speakers-and-moderators page. Each
    listener returns extra template values. messages: `told` {person id: [(when, what,
    status)]}, from the outbox rows of the rules that mailed them.""",
)

programme_page_context = _signals.signal(
    "programme-page-context",
    doc="""Question. sender: the Event of a public programme page; item_id: the item of an item
    page, None for the programme list. Each listener returns extra template values.
    calendar: `starring` (the visitor's stars) and, on an item page, `calendar_links`.""",
)

agenda_entries_requested = _signals.signal(
    "agenda-entries-requested",
    doc="""Question. sender: a Registration whose personal agenda feed is built. Each listener
    returns a list of calendar entries (calendar.ics.CalendarEntry).
    networking: the person's published meetings.""",
)


def collect(signal: Signal, sender: Any, **kwargs: Any) -> list[Any]:
    """The answers of every listener to a question signal, in the order they connected."""
    return [answer for _receiver, answer in signal.send(sender, **kwargs)]
