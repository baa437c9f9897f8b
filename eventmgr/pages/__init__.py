"""Pages that belong to no single domain: home, the event's public page, the signed-in user's
page, the language switch and the health check."""
