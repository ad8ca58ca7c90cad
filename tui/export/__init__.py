"""Renderings of the record for people outside casenotes: the court record as PDF and Markdown
(``court_pdf``, ``court_md``) and reading a court record's manifest back from its file (``court_file``).
No Textual here: the command line and the case screen's worker both call these."""
