"""The bottom of the store: what needs no database — errors, the clock, argument checks, the policy
file and the casework calendar, and the frozen result types every desk returns."""
