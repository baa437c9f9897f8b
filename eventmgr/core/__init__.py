"""Pages that belong to no single domain: home, dashboard, language switch, health."""
