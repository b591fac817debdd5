"""The synthetic data sets behind reference.json (see gen.py for the conventions).

Each make_* function draws from its own fixed numpy seed, so the CSV files come
out byte for byte the same on every run.
"""

import os

import numpy as np
import pandas as pd
import scipy.special

def make_claims():
    rng = np.random.default_rng(20240601)
    n = 1200
    district = rng.choice(["D1", "D2", "D3", "D4"], size=n)
    group = rng.choice(["G1", "G2", "G3", "G4"], size=n)
    age = rng.choice(["A1", "A2", "A3", "A4"], size=n)
    holders = np.round(np.exp(rng.uniform(np.log(20), np.log(2000), size=n))).astype(np.int64)
    log_holders = np.log(holders.astype(float))
    density = np.round(np.exp(rng.normal(np.log(800), 0.9, size=n)), 1)
    eff_d = {"D1": 0.0, "D2": 0.12, "D3": -0.2, "D4": 0.28}
    eff_g = {"G1": 0.0, "G2": 0.3, "G3": 0.55, "G4": 0.8}
    eff_a = {"A1": 0.0, "A2": -0.25, "A3": -0.4, "A4": -0.62}
    eta = (log_holders - 2.1 + np.array([eff_d[v] for v in district])
           + np.array([eff_g[v] for v in group]) + np.array([eff_a[v] for v in age])
           + 1.5e-4 * (density - 800.0))
    claims = rng.poisson(np.exp(eta))
    return pd.DataFrame({"District": district, "Group": group, "Age": age, "Holders": holders,
                         "logHolders": log_holders, "Density": density, "Claims": claims})


def make_credit():
    rng = np.random.default_rng(20240602)
    n = 2000
    income = np.round(np.exp(rng.normal(np.log(55.0), 0.5, size=n)), 2)  # thousands
    age = rng.integers(21, 76, size=n)
    debt_ratio = np.round(rng.beta(2.0, 4.0, size=n), 4)
    balance = np.round(rng.gamma(2.0, 4000.0, size=n), 2)  # dollars
    score = np.round(rng.uniform(300, 850, size=n), 1)  # no effect
    color = rng.choice(["red", "green", "blue", "yellow", "purple"], size=n)
    w = np.round(rng.uniform(0.5, 3.0, size=n), 2)
    eff_c = {"blue": 0.0, "green": 0.35, "purple": -0.45, "red": 0.7, "yellow": 0.03}
    eta = (-1.0 - 0.018 * (income - 60.0) - 0.03 * (age - 48.0) + 2.6 * (debt_ratio - 0.33)
           + 5.0e-5 * (balance - 8000.0) + np.array([eff_c[v] for v in color]))
    default = (rng.uniform(size=n) < scipy.special.expit(eta)).astype(np.int64)
    return pd.DataFrame({"income": income, "age": age, "debt_ratio": debt_ratio,
                         "balance": balance, "score": score, "color": color, "w": w,
                         "default": default})


def make_housing():
    rng = np.random.default_rng(20240603)
    n = 1500
    sqft = rng.integers(600, 4001, size=n)
    age = rng.integers(0, 101, size=n)
    dist_km = np.round(np.exp(rng.uniform(np.log(0.2), np.log(40.0), size=n)), 3)
    rooms = np.clip(np.round(sqft / 500.0 + rng.normal(0, 0.8, size=n)), 1, 8).astype(np.int64)
    lot_ratio = np.round(rng.uniform(0.05, 0.95, size=n), 4)
    noise1 = np.round(rng.normal(0.0, 1.0, size=n), 4)
    noise2 = np.round(rng.uniform(0.0, 1000.0, size=n), 2)
    zone = rng.choice(["north", "south", "east", "west", "center"], size=n)
    w = np.round(rng.uniform(0.25, 4.0, size=n), 2)
    eff_p = {"center": 0.0, "east": -25.0, "north": -12.0, "south": -40.0, "west": -1.0}
    price = (60.0 + 0.11 * sqft - 0.7 * age - 2.5 * dist_km + 8.0 * rooms + 30.0 * lot_ratio
             + np.array([eff_p[v] for v in zone]) + rng.normal(0.0, 30.0, size=n) / np.sqrt(w))
    eff_c = {"center": 0.0, "east": -0.1, "north": 0.05, "south": -0.2, "west": 0.15}
    mean_cost = np.exp(1.2 + 2.5e-4 * sqft + 0.004 * age - 0.01 * dist_km
                       + np.array([eff_c[v] for v in zone]))
    cost = rng.gamma(4.0, mean_cost / 4.0)
    cost = np.array([float("%.6g" % max(c, 1e-3)) for c in cost])
    return pd.DataFrame({"sqft": sqft, "age": age, "dist_km": dist_km, "rooms": rooms,
                         "lot_ratio": lot_ratio, "noise1": noise1, "noise2": noise2,
                         "zone": zone, "w": w, "price": np.round(price, 3), "cost": cost})


def make_iris_like():
    rng = np.random.default_rng(20240604)
    per = 150
    means = {"setosa": (5.0, 3.4, 2.6, 0.6), "versicolor": (5.9, 2.8, 4.2, 1.3),
             "virginica": (6.5, 3.0, 5.1, 1.9)}
    sds = (0.55, 0.4, 0.75, 0.4)
    rows = []
    for cls, mu in means.items():
        x = rng.normal(mu, sds, size=(per, 4))
        for r in x:
            rows.append((*np.round(r, 3), cls))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    return pd.DataFrame(rows, columns=["sepal_length", "sepal_width", "petal_length",
                                       "petal_width", "species"])


def write_and_reload(df, directory, name):
    """Writes df as directory/name and returns it as read back, after checking
    that every value survives the round trip and that categorical values do not
    parse as numbers."""
    path = os.path.join(directory, name)
    df.to_csv(path, index=False, lineterminator="\n")
    back = pd.read_csv(path, keep_default_na=False)
    for c in df.columns:  # the CSV must round-trip exactly
        a, b = df[c].to_numpy(), back[c].to_numpy()
        if df[c].dtype.kind in "fiu":
            assert b.dtype.kind in "fiu" and np.array_equal(a.astype(float), b.astype(float)), c
        else:
            assert [str(v) for v in a] == [str(v) for v in b], c
            assert not any(_is_number(str(v)) for v in b), c
    return back


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False

