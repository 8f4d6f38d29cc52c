"""Run a command and write the CPU seconds it used (user + system, its children included) to a file.

python bench/cpu_of.py OUT command args...    exits with the command's exit status
"""

import resource
import subprocess
import sys

if __name__ == "__main__":
    out, command = sys.argv[1], sys.argv[2:]
    status = subprocess.call(command)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as handle:
        handle.write(f"{usage.ru_utime + usage.ru_stime:.0f}\n")
    sys.exit(status)
