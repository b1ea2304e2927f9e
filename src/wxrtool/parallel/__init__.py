"""Work spread over processes, with output the same byte for byte as one process writes.

- :mod:`~wxrtool.parallel.pool`: worker processes, and posts handed to them in chunks
  while this process reads the export;
- :mod:`~wxrtool.parallel.cuts`: where an export on disk is cut so that each worker
  reads a range of it;
- :mod:`~wxrtool.parallel.scan`: a byte-level look at a range (the items' content and
  comments, which the site index does not need);
- :mod:`~wxrtool.parallel.ranges`: the ranges read by workers, in order, their guesses
  checked, and what they make.

The pipeline (:mod:`wxrtool.convert`) chooses among them; writers never learn where
their records came from.
"""
