"""kubernetes stage."""
