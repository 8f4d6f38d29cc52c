"""National extracts in long format, one module per idea (import from them; this module gathers nothing):

- `reading`: the stored file checked, read a block at a time (never whole) and cleaned with Arrow (French problems
  by line and column);
- `binary`: a cleaned block laid out in PostgreSQL's binary COPY format, with Arrow and numpy kernels;
- `storage`: the lines stored in one transaction (on PostgreSQL a partition of their own, loaded by a binary COPY
  fed by a reading thread and two cleaning threads, indexed and attached after the load; bulk_create elsewhere);
- `derivation`: a commission's `montants` table computed from a loaded extract;
- `jobs`: the upload kept, and its import claimed and processed as a job (portal.jobs).
"""
