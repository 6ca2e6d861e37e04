"""`make bench`: every figure beside its floor measured in the same run, and the issue's goal."""
