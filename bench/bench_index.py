"""Time ``Store.list_events`` alone (no HTTP) for each GET workload at several sizes.

Each workload draws its query about a random event on every call, as the wrk scripts do.
The figure is microseconds per listing (the best of 3 interleaved passes), and, for each size
after the first, the ratio to the first size: the index's own share of a request.

    python bench/bench_index.py --sizes 10000 1000000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from tracking_mock.models import ListQuery
from tracking_mock.store import Store
from tracking_mock.validation import list_query
from workload import ACCOUNT, POST_SCENARIO, SCENARIOS, bench_account, example_target, seed_events


def queries(name: str, count: int, n: int, rng: random.Random) -> list[ListQuery]:
    """``n`` parsed queries of workload ``name``, each about a random event."""
    parsed = []
    for _ in range(n):
        target = example_target(name, count, rng.randrange(count))
        parsed.append(list_query(urlsplit(target).query.encode(), max_params=64)[0])
    return parsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=5_000)
    args = parser.parse_args(argv)
    stores = []
    for count in args.sizes:
        started = time.perf_counter()
        stores.append(Store([bench_account(tuple(seed_events(count)))]))
        print(f"{count:,} events stored in {time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(7)
    print(f"\n{'workload':46} " + " ".join(f"{n:>12,}" for n in args.sizes) + "  (us/listing)")
    for name in SCENARIOS:
        if name == POST_SCENARIO:
            continue
        sets = [queries(name, count, args.queries, rng) for count in args.sizes]
        best = [float("inf")] * len(args.sizes)
        for _ in range(3):
            for index, (store, batch) in enumerate(zip(stores, sets, strict=True)):
                account = store.account(ACCOUNT)
                started = time.perf_counter()
                for query in batch:
                    store.list_events(account, query)
                elapsed = (time.perf_counter() - started) / len(batch) * 1e6
                best[index] = min(best[index], elapsed)
        ratios = "".join(f"  x{b / best[0]:.2f}" for b in best[1:])
        print(f"{name:46} " + " ".join(f"{b:>12.1f}" for b in best) + ratios, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
