"""The collect function: posted responses validated against their manifest and queued, then stored by the worker."""
