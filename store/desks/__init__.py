"""``Desk``: everything one signed-in worker can do, one mixin per area, each call one unit of work
that applies the rules below it."""
