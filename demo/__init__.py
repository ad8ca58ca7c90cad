"""The demo agency generator: builds a whole agency through the store's public API, on a moving
clock, so that every rule holds in the demo as it does in use (``demo.agency.generate``)."""
