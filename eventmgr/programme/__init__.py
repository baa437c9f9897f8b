"""The programme: rooms, people (speakers and moderators), items, and published versions."""
