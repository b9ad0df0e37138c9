"""Gigs: the marketplace's listings, their lifecycle and their discovery."""
