"""Administration across events: users and their roles, the audit log (pages and commands)."""
