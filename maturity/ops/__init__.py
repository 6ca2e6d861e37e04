"""Operations: structured logs with a request id (`logs`), backup and restore of the database
(`backup`), and the `worker`, `backup` and `restore` commands (`commands`)."""
