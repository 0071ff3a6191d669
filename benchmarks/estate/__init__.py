"""Building blocks of the synthetic estate written by ``benchmarks/generate.py``.

Each provider family (``aws``, ``outscale``, ``google``, ``azure``, ``ovh``, ``scaleway``) has one
module holding its shared Terraform modules (fixed text) and the pieces of its root modules (drawn
from a seeded ``random.Random``), so that the same seed always gives the same bytes.
"""
