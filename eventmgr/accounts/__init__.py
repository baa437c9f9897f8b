"""Accounts: users, roles, log-in, passwords and API tokens."""
