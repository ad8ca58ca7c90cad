"""The database: tables (``models``), engines and migrations, opening a file or server safely,
``Database`` (units of work with refusals turned into sentences) and the journal (audit, change log,
revisions)."""
