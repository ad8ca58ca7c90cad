"""Screens of the casenotes app, one screen a module."""
