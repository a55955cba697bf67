"""Directory rules re-apply when profiles change: receivers of the people app's signals."""
