"""Compute-aware data selection: quality pools, a repetition-aware scaling law, the budget choice.

Pure modules (``scaling_law``, ``parameter_sets``, ``candidates``, ``fitting``, ``frontier``) hold
the math; ``compute_aware_select`` is the Spark stage that applies it to scored records.
"""
