"""The ``casenotes`` command line: ``main`` parses and dispatches; each sub-command has its module;
``sign_in`` is the one way every command finds out who is running it."""
