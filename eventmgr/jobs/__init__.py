"""Background jobs (bulk badge PDFs, large CSV imports): stored in the database, so that any
instance may run them, the page can show progress, and a restart does not lose them."""
