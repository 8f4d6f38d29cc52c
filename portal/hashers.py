"""The password hasher: Argon2id with the parameters OWASP recommends (m=19 MiB, t=2, p=1).

Django's own Argon2 hasher uses 100 MiB and 8 lanes (~190 ms of CPU per hash on the CI's machine); OWASP's
first recommended setting costs ~27 ms for a comparable resistance to guessing on GPUs. The cost matters here
because a section president types the password again at every approval. Hashes made with other parameters
are still checked and upgraded at the next successful check (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same encoded format: Django's hasher reads these hashes and the other way round
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
