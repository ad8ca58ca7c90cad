"""Reusable widgets of the casenotes app."""
