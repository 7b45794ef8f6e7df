"""`make bench`: the import benchmark, then the search benchmark (see bench/README.md)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    subprocess.run([sys.executable, str(HERE / "import_bench.py")], check=True)
    subprocess.run([sys.executable, str(HERE / "search_bench.py"), "run"], check=False)
