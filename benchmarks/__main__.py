"""python -m benchmarks [--quick] [--out benchmarks/results.md] [--workdir DIR]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks import suite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="every measurement of issue 9 in one run, ours beside the peers, into one results file\n\n"
        "voorbeeld: python -m benchmarks --quick --out /tmp/results.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (scale 1, 10 days): the same code path in under a minute"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=suite.ROOT / "benchmarks" / "results.md",
        help="the results file (default benchmarks/results.md)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where the data and stores go (default /tmp/civ-bench/suite-full or suite-quick); "
        "generated data is reused from there",
    )
    args = parser.parse_args(argv)
    return suite.main(args.quick, args.out, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
