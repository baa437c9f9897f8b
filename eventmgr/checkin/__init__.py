"""Check-in at the door: door staff and their events."""
