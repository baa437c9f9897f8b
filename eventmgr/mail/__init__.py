"""Mail: an outbox that stores every message, then sends it through SMTP when configured."""
