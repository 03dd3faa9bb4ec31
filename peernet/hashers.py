"""How passwords are stored: Argon2id with the parameters OWASP gives as its first choice.

Django's own Argon2 defaults (100 MiB, 8 lanes) and its PBKDF2 (one million rounds) each cost
a sign-up or a sign-in about 150 to 200 ms of one core, which is most of such a request. OWASP's
Password Storage Cheat Sheet lists Argon2id with 19 MiB, two passes and one lane as a
configuration of equal strength, at about a tenth of the time. Hashes made with other
parameters or hashers still verify, and are rewritten with these at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
