"""Telltale diagnostics: customer media in, evidence, codes and suggested fixes out."""
