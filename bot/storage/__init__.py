"""SQLite storage: the only place with SQL. One module per table family."""
