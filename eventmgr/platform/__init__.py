"""The bottom layer every domain stands on: database, extensions, configuration, access and
roles, URLs, languages, tokens, CSV, security headers, forms, backup, errors, signals and the
web helpers (rule errors and how pages and the API answer them). It imports no domain."""
