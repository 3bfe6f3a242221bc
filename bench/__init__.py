"""Benchmark of the portal against the stub CRM (or any CRM): ``python bench/run.py``."""
