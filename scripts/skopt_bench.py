"""Reference run of scikit-optimize's gp_minimize with its defaults on the
functions and budgets of examples/optimizer_bench.rs: Branin (n_calls 30)
and Hartmann-6 (n_calls 50), 20 seeds each. Prints mean and standard
deviation of the best value and the median time of one ask at the end of
the budget (via Optimizer with the same settings gp_minimize uses).

Usage: python skopt_bench.py [--budget15 | --ask-time] [--seeds START:END]
    [--function branin|hartmann6] [--per-seed]

--budget15 runs only n_calls 15 for both functions, and --ask-time only
times proposals at random observations. --seeds runs seeds START..END-1
instead of 0..19, and --function runs one function only. --per-seed prints
each seed's best value, so that runs over disjoint seed ranges can be pooled.
"""

import statistics
import sys
import time

import numpy as np
from skopt import Optimizer, gp_minimize

SEEDS = 20
BRANIN_MIN = 0.397887357729738
HARTMANN6_MIN = -3.32236801141551


def branin(x):
    x1, x2 = x
    a, b, c = 1.0, 5.1 / (4.0 * np.pi**2), 5.0 / np.pi
    r, s, t = 6.0, 10.0, 1.0 / (8.0 * np.pi)
    return float(a * (x2 - b * x1**2 + c * x1 - r) ** 2 + s * (1 - t) * np.cos(x1) + s)


ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
A = np.array([
    [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
    [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
    [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
    [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
])
P = np.array([
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
])


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(ALPHA * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))


BRANIN_SPACE = [(-5.0, 10.0), (0.0, 15.0)]
HARTMANN_SPACE = [(0.0, 1.0)] * 6


def ask_time_ms(space, x, y, seed):
    """Time of one proposal at len(x) - 1 observations with gp_minimize's
    settings. skopt fits the model and optimizes the acquisition inside
    tell, so the timed step is tell of the last point plus ask."""
    from skopt.utils import cook_estimator
    from skopt.space import Space
    estimator = cook_estimator("GP", space=Space(space).dimensions, random_state=seed, noise="gaussian")
    optimizer = Optimizer(space, estimator, n_initial_points=10, acq_func="gp_hedge",
                          acq_optimizer="lbfgs", random_state=seed)
    optimizer.tell(x[:-1], y[:-1], fit=False)
    start = time.perf_counter()
    optimizer.tell(x[-1], y[-1])
    optimizer.ask()
    return (time.perf_counter() - start) * 1e3


FUNCTIONS = ("branin", "hartmann6")


def option(name):
    """Return the value after `name` on the command line, or None."""
    if name not in sys.argv:
        return None
    index = sys.argv.index(name) + 1
    if index >= len(sys.argv):
        sys.exit(f"missing value after {name}")
    return sys.argv[index]


def seed_range():
    """Return the seeds of --seeds START:END, or 0..SEEDS without it."""
    value = option("--seeds")
    if value is None:
        return range(SEEDS)
    try:
        start, end = (int(v) for v in value.split(":"))
    except ValueError:
        sys.exit(f"invalid --seeds {value}: expected START:END, for example 20:60")
    if start >= end:
        sys.exit(f"invalid --seeds {value}: START must be below END")
    return range(start, end)


def report(name, f, space, minimum, n_calls, n_initial_points=10):
    if option("--function") not in (None, name):
        return
    start = time.perf_counter()
    bests, ask_ms = [], []
    per_seed = "--per-seed" in sys.argv
    for seed in seed_range():
        result = gp_minimize(f, space, n_calls=n_calls, n_initial_points=n_initial_points, random_state=seed)
        bests.append(result.fun)
        if per_seed:
            print(f"{name} n_calls {n_calls} seed {seed}: best {result.fun:.6f}", flush=True)
        ask_ms.append(ask_time_ms(space, result.x_iters, result.func_vals.tolist(), seed))
    mean, std = statistics.fmean(bests), statistics.pstdev(bests)
    print(f"{name:<10} n_calls {n_calls:>2} n_initial {n_initial_points:>2}: best {mean:.4f} +- {std:.4f}"
          f"  regret {mean - minimum:.4f}  ask at {n_calls} obs {statistics.median(ask_ms):.1f} ms (median)"
          f"  [{time.perf_counter() - start:.0f} s]", flush=True)


def report_ask_time(name, f, space, n_points, n_seeds=5):
    """Median time of one proposal at n_points random observations."""
    ask_ms = []
    for seed in range(n_seeds):
        rng = np.random.RandomState(seed)
        x = [[float(rng.uniform(lo, hi)) for lo, hi in space] for _ in range(n_points)]
        ask_ms.append(ask_time_ms(space, x, [f(p) for p in x], seed))
    print(f"{name:<10} ask at {n_points} random obs {statistics.median(ask_ms):.1f} ms (median of {n_seeds})", flush=True)


def main():
    function = option("--function")
    if function not in (None, *FUNCTIONS):
        sys.exit(f"unknown --function {function}: expected branin or hartmann6")
    seed_range()
    if "--ask-time" in sys.argv:
        report_ask_time("branin", branin, BRANIN_SPACE, 30)
        report_ask_time("hartmann6", hartmann6, HARTMANN_SPACE, 50)
        return
    if "--budget15" in sys.argv:
        report("branin", branin, BRANIN_SPACE, BRANIN_MIN, 15)
        report("hartmann6", hartmann6, HARTMANN_SPACE, HARTMANN6_MIN, 15)
        return
    report("branin", branin, BRANIN_SPACE, BRANIN_MIN, 30)
    report("hartmann6", hartmann6, HARTMANN_SPACE, HARTMANN6_MIN, 50)


if __name__ == "__main__":
    main()
