"""The rules, as functions of the record: who may read or change what (``access``), a note's
checks and windows (``note_rules``, ``note_checks``) and the deadline engine (``obligations``)."""
