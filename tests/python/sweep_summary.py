"""What the sweep tests compare of two summaries: every column but where, how long and on how
many threads the runs ran (the results are the same for any thread count)."""

import pandas as pd

EXECUTION = {"wall_s", "host", "threads", "load_wall_s", "step_wall_s", "vehicle_updates_per_s"}


def kpis(summary):
    """A sweep's summary.csv sorted by run, without the execution columns."""
    df = pd.read_csv(summary).sort_values("run").reset_index(drop=True)
    return df[[c for c in df.columns if c not in EXECUTION]]
