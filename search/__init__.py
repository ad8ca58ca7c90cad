"""Full-text search of progress notes, kept in step with store/ through its change log (issue 4)."""
