"""Messages from the organiser to groups of attendees, reminders and programme-change notices."""
