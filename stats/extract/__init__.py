"""National extracts in long format, one module per idea (import from them; this module gathers nothing):

- `reading`: the file checked, read and cleaned by blocks with Arrow (French problems by line and column);
- `storage`: the lines stored in one transaction (PostgreSQL COPY fed by a thread, bulk_create elsewhere);
- `derivation`: a commission's `montants` table computed from a loaded extract;
- `jobs`: the upload kept, and its import claimed and processed as a job (portal.jobs).
"""
