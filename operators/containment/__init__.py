"""Table containment across a lake, as four stages that each keep only pairs that may be contained.

``schema_containment`` -> ``minmax_prune`` -> ``content_prune`` -> ``verify_containment``. The
candidate pairs flow between them as the main output (one row per schema-compatible ordered pair
``parent``/``child``, undecided while ``verdict`` is null); each stage also returns its funnel.
Semantics are documented in the design (section 4) and in ``_semantics.py``.
"""
