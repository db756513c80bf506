"""Record dedup: exact (normalised content hash) and near-duplicate (MinHash + LSH + components).

``exact_dedup`` is a lazy filter built on window functions; ``minhash_dedup`` is a stage whose
sub-stages (signatures, scored candidates, verified edges, survivors; component blocks when the
graph is too big for the driver) are persisted so a crashed run resumes. ``reference`` is the
small-data datasketch path the Spark path must agree with; ``containment_lsh`` offers
column-containment candidates through LSH Ensemble.
"""
