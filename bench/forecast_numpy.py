#!/usr/bin/python3
"""The forecast benchmark's model written plainly in Python with NumPy.

bench/bench-forecast.c runs chancery's forecast on a world made by formula
(two embassies of 300 staff, three-year tenure caps both ways, replacements
with refused or delayed visas and lognormal tours). This script builds the
same world and runs the same model in NumPy twice over:

- plainly, as the issue describes the model: each run steps through the
  horizon month by month; each month's departures ask for replacements,
  drawn as arrays, whose arrivals and tours fall into later months;
- vectorised further, by generations of replacements: all of a run's
  departures at once, then all the departures of their replacements, and
  so on, which is about as fast as NumPy goes without changing the model.

It checks that each gives the same distribution of each side's final
headcount as chancery, and reports the speed ratios, all in one run:

    /usr/bin/python3 bench/forecast_numpy.py --chancery build/bench/bench-forecast

The generators differ (GSL's taus2 in C, NumPy's PCG64 here), so runs
differ one by one; the distributions must agree: the means within four
standard errors of the difference, and the 10th, 50th and 90th
percentiles within one person.
"""

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

START = datetime.date(2022, 1, 1)
STEPS = 24
STAFF = 300
FIRST = datetime.date(2019, 1, 2)
SPAN = 1095
P_REQUEST = 0.9
P_REFUSE = 0.3
Z90 = 1.2815515655446004
MONTH = 365.25 / 12


def lognormal(median_days, p90_days):
    """(mu, sigma) of a lognormal given its median and 90th percentile."""
    return math.log(median_days), (math.log(p90_days) - math.log(median_days)) / Z90


DELAY = lognormal(3 * MONTH, 9 * MONTH)
TOUR = lognormal(18 * MONTH, 30 * MONTH)


def add_years(day, years):
    """day + years, 29 February rounded down to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def step_dates():
    """The step dates as ordinals: the start and each month after it."""
    out = []
    for k in range(STEPS + 1):
        months = START.month - 1 + k
        out.append(datetime.date(START.year + months // 12, months % 12 + 1, 1).toordinal())
    return np.array(out)


def mission(dates):
    """One embassy's deterministic schedule: its headcount on each step and
    the dates of the departures the three-year cap sets in the horizon."""
    base = np.zeros(STEPS + 1, dtype=np.int64)
    departures = []
    for i in range(STAFF):
        arrived = FIRST + datetime.timedelta(days=i * SPAN // STAFF)
        end = add_years(arrived, 3).toordinal()
        leave = np.searchsorted(dates, end, side="left")
        base[:leave] += 1
        if end <= dates[-1]:
            departures.append(end)
    return base, np.array(departures, dtype=np.int64)


def run_mission_monthly(rng, dates, base, departures):
    """One run of one mission, month by month: the departures of a month
    (the schedule's, and replacements' at the end of their tours) ask for
    replacements, who arrive in the month their visa is issued."""
    leaving = [[] for _ in range(STEPS + 2)]
    for day, k in zip(departures, np.searchsorted(dates, departures, side="left")):
        leaving[k].append(day)
    change = np.zeros(STEPS + 2, dtype=np.int64)
    for k in range(1, STEPS + 1):
        if not leaving[k]:
            continue
        days = np.array(leaving[k], dtype=np.int64)
        asked = rng.random(days.size) < P_REQUEST
        issued = rng.random(days.size) >= P_REFUSE
        delay = np.floor(rng.lognormal(DELAY[0], DELAY[1], days.size) + 0.5)
        arrive = days + delay.astype(np.int64)
        arrive = arrive[asked & issued & (arrive <= dates[-1])]
        steps = np.searchsorted(dates, arrive, side="left")
        np.add.at(change, steps, 1)
        tour = np.floor(rng.lognormal(TOUR[0], TOUR[1], arrive.size) + 0.5)
        leave = arrive + tour.astype(np.int64)
        leave = leave[leave <= dates[-1]]
        later = np.searchsorted(dates, leave, side="left")
        np.add.at(change, later, -1)
        for day, j in zip(leave, later):
            leaving[j].append(day)
    return base + np.cumsum(change[: STEPS + 1])


def run_mission(rng, dates, base, departures):
    """One run of one mission: requests, visas, arrivals, tours, repeated
    until no departure falls in the horizon. Returns the headcounts."""
    change = np.zeros(STEPS + 2, dtype=np.int64)
    leaving = departures
    while leaving.size:
        asked = rng.random(leaving.size) < P_REQUEST
        issued = rng.random(leaving.size) >= P_REFUSE
        delay = np.floor(rng.lognormal(DELAY[0], DELAY[1], leaving.size) + 0.5)
        arrive = leaving + delay.astype(np.int64)
        arrive = arrive[asked & issued & (arrive <= dates[-1])]
        np.add.at(change, np.searchsorted(dates, arrive, side="left"), 1)
        tour = np.floor(rng.lognormal(TOUR[0], TOUR[1], arrive.size) + 0.5)
        leave = arrive + tour.astype(np.int64)
        leaving = leave[leave <= dates[-1]]
        np.add.at(change, np.searchsorted(dates, leaving, side="left"), -1)
    return base + np.cumsum(change[: STEPS + 1])


def numpy_model(runs, seed, run_mission_fn):
    """Each side's headcount on the last step, over the runs."""
    dates = step_dates()
    base, departures = mission(dates)
    final = np.zeros((runs, 2), dtype=np.int64)
    for run in range(runs):
        rng = np.random.default_rng([seed, run])
        for side in range(2):
            final[run, side] = run_mission_fn(rng, dates, base, departures)[-1]
    return final


def quantile(values, pct):
    """The smallest value that at least pct% of the runs do not exceed, as
    chancery reads it from its histograms."""
    ordered = np.sort(values)
    index = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return int(ordered[index])


def machine():
    cores = os.cpu_count()
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cores} cores, {model}"


def compare(c_final, py_final):
    """Checks each side's distribution; returns the number of mismatches."""
    bad = 0
    for side, name in enumerate(("RUS in USA", "USA in RUS")):
        c = c_final[name]
        values = py_final[:, side]
        mean, sd = values.mean(), values.std(ddof=1)
        se = math.sqrt(2) * sd / math.sqrt(len(values))
        ok_mean = abs(c["mean"] - mean) <= 4 * se
        q = {p: quantile(values, p) for p in (10, 50, 90)}
        ok_q = all(abs(c[f"p{p}"] - q[p]) <= 1 for p in (10, 50, 90))
        print(f"    {name}: chancery mean {c['mean']:.2f} p10/p50/p90 "
              f"{c['p10']}/{c['p50']}/{c['p90']}; numpy mean {mean:.2f} "
              f"p10/p50/p90 {q[10]}/{q[50]}/{q[90]} "
              f"(4 se of the difference = {4 * se:.2f}): "
              f"{'same' if ok_mean and ok_q else 'DIFFERENT'}")
        bad += not (ok_mean and ok_q)
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chancery", default="build/bench/bench-forecast",
                        help="the bench-forecast binary")
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=20220101)
    args = parser.parse_args()

    out = subprocess.run([args.chancery, "--runs", str(args.runs)], check=True,
                         capture_output=True, text=True).stdout
    c = json.loads(out.strip().splitlines()[-1])
    print(f"forecast benchmark: {args.runs} runs x {STEPS} monthly steps, "
          f"2 missions of {STAFF} staff; machine: {machine()}")
    print(f"  chancery: {c['seconds']:.3f} s on {c['threads']} threads "
          f"(model {c['model_seconds']:.3f} s, runs {c['run_seconds']:.3f} s)")
    bad = 0
    for name, fn in (("numpy, month by month", run_mission_monthly),
                     ("numpy, by generations", run_mission)):
        start = time.perf_counter()
        final = numpy_model(args.runs, args.seed, fn)
        seconds = time.perf_counter() - start
        print(f"  {name}: {seconds:.3f} s (Python {platform.python_version()}, "
              f"NumPy {np.__version__}, one thread): chancery is "
              f"{seconds / c['seconds']:.1f} times faster "
              f"({seconds / c['seconds'] / c['threads']:.1f} per core)")
        bad += compare(c["final"], final)
    print("  target: chancery 20 times faster than the plain (month by month) "
          "model")
    print("  distributions: " + ("the same" if not bad else "DIFFERENT"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
