"""Firms (the assessed businesses), their profile, and who belongs to them."""
