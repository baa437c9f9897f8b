"""Sponsors and partners of an event: name, logo, link and level, shown on the event page and,
where the organiser asks for it, on badges and beside the stream."""
