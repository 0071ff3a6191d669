"""terraform stage."""
