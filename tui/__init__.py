"""The Textual app and the ``casenotes`` command; asks store/ for everything, decides no rule itself."""
