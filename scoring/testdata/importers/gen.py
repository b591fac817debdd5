"""Fixtures for the LightGBM and XGBoost importers (scoring/lightgbm, scoring/xgboost).

Run through gen.sh (it builds .venv from the pinned requirements.txt first).
Deterministic: fixed numpy seeds, one thread in both libraries.

It makes one small data set (300 rows, five columns: x0 normal with NaNs, x1
uniform, x2 normal with exact zeros and NaNs, x3 integer codes 0..7 with NaNs
(a categorical column for the models that say so, a number for the others),
x4 skewed), trains small models on it and writes into this directory:

* lgb_<name>.txt, the LightGBM text model (Booster.save_model), and
  xgb_<name>.json, the XGBoost JSON model (Booster.save_model("....json")),
  exactly as the libraries write them;
* lgb_rows.csv and xgb_rows.csv, the rows every model of that library is
  scored on: the first 70 training rows, rows with NaN, zero, tiny, huge and
  infinite values and out-of-domain codes, and rows that put one column just
  at, above and below split thresholds read back from the models (for XGBoost
  around the float32 rounding boundaries of each condition);
* <model>_pred.csv, the library's own prediction for every row: one column
  "p" for regression and counts, one per class ("p0", "p1", ...) for
  classification (probabilities; binary models have "p1" alone, the
  probability of class 1, which is all the libraries give).

CSV conventions: a first comment line "# ..." naming this script and the
library versions, a header line, "\\n" line ends, numbers as Python repr, a
missing value as an empty field, infinities as inf and -inf.

The rows keep to inputs on which the libraries and the importers are meant to
agree. The differences documented in the importers' doc.go (XGBoost's
negative category codes, LightGBM's codes in (-1, 0), zero-as-missing values
between 1e-35 and float32(1e-35), category codes of 2^63 and more) are left
out of x3 and pinned by hand-made models in the Go tests; XGBoost's float32
rounding of fractional category codes is applied by its Go test.

    gen.sh                # writes the fixtures
"""

import json
import math
import os
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
N = 300
COLS = ["x0", "x1", "x2", "x3", "x4"]
SCORED = 70  # training rows scored


def sig(v, digits=6):
    """Rounds to `digits` significant digits (keeps the CSV small); NaN stays."""
    return np.array([x if math.isnan(x) else float("%.*g" % (digits, x)) for x in v])


def dataset():
    rng = np.random.default_rng(20260601)
    x0 = rng.normal(size=N)
    x0[rng.random(N) < 0.10] = np.nan
    x1 = rng.uniform(-3, 3, N)
    x2 = rng.normal(size=N)
    x2[rng.random(N) < 0.15] = 0.0
    x2[rng.random(N) < 0.05] = np.nan
    x3 = rng.integers(0, 8, N).astype(float)
    x3[rng.random(N) < 0.05] = np.nan
    x4 = rng.exponential(2.0, N)
    X = np.column_stack([sig(x0), sig(x1), sig(x2), x3, sig(x4)])
    effect = np.array([0.0, 1.2, -0.8, 0.4, 2.0, -1.5, 0.3, 0.9])
    cat = np.where(np.isnan(x3), -0.5, effect[np.nan_to_num(x3).astype(int)])
    f = 0.8 * np.nan_to_num(X[:, 0]) + np.sin(X[:, 1]) + 0.5 * np.nan_to_num(X[:, 2]) + cat + 0.1 * X[:, 4]
    y = {
        "reg": f + 0.3 * rng.normal(size=N),
        "bin": (rng.random(N) < 1 / (1 + np.exp(-f))).astype(float),
        "multi": np.argmax(np.column_stack([f, -f, 0.5 * np.sin(3 * X[:, 1])]) + rng.gumbel(size=(N, 3)), axis=1).astype(float),
        "pois": rng.poisson(np.exp(0.4 * f)).astype(float),
    }
    return X, y


def special_rows(X, lib):
    """Rows of edge values, built from the first complete training row."""
    base = X[~np.isnan(X).any(axis=1)][0]
    rows = [np.full(5, np.nan), np.zeros(5)]
    edges = [1e-40, -1e-40, 1e-36, -1e-36, 1e30, -1e30]
    edges += [1e300, -1e300, math.inf, -math.inf] if lib == "lgb" else [3.4e38, -3.4e38]
    for v in edges:
        r = np.full(5, v)
        # x3 keeps to codes both sides read alike (see the module comment):
        # LightGBM reads (-1, 0) as code 0, XGBoost any negative as "not
        # listed"; scoring takes both for missing.
        if (lib == "lgb" and -1 < v < 0) or (lib == "xgb" and v < 0):
            r[3] = -v
        # scoring.Tree cannot yet take a category code of 2^63 or more (the
        # int conversion overflows); keep x3 to +-1e9 until it can.
        if abs(r[3]) > 1e9:
            r[3] = math.copysign(1e9, r[3])
        rows.append(r)
    for j in range(5):
        r = base.copy()
        r[j] = np.nan
        rows.append(r)
    # Codes outside x3's training range: above it, fractional, huge; and for
    # LightGBM negative codes, which it sends right as it sends NaN.
    codes = [2.5, 7.9, 8.0, 100.0, 1e9] + ([-1.0, -7.0] if lib == "lgb" else [])
    for c in codes:
        r = base.copy()
        r[3] = c
        rows.append(r)
    return rows


def probe_rows(X, thresholds, lib, per_model=5):
    """Rows that put one column at and next to split thresholds.

    thresholds: (feature, value) pairs in the model's order. LightGBM compares
    float64 x <= t; XGBoost float32(x) < c, so there the probes straddle
    float32 c and the midpoint to the float32 before it."""
    base = X[~np.isnan(X).any(axis=1)][1]
    rows, seen = [], set()
    for f, t in thresholds:
        if (f, t) in seen or not math.isfinite(t):
            continue
        seen.add((f, t))
        if len(seen) > per_model:
            break
        if lib == "lgb":
            vals = [t, math.nextafter(t, math.inf), math.nextafter(t, -math.inf)]
        else:
            c = float(np.float32(t))
            p = float(np.nextafter(np.float32(c), np.float32(-np.inf)))
            mid = (p + c) / 2
            vals = [c, math.nextafter(c, -math.inf), mid, math.nextafter(mid, math.inf), math.nextafter(mid, -math.inf)]
        for v in vals:
            r = base.copy()
            r[f] = v
            rows.append(r)
    return rows


def fmt(v):
    if math.isnan(v):
        return ""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(float(v))


def write_csv(name, header, rows, comment):
    with open(os.path.join(HERE, name), "w", newline="\n") as fh:
        fh.write("# " + comment + "\n")
        fh.write(",".join(header) + "\n")
        for r in rows:
            fh.write(",".join(fmt(float(v)) for v in r) + "\n")


def pred_columns(p, classes):
    p = np.asarray(p, dtype=np.float64)
    if classes == 0:
        return ["p"], p.reshape(-1, 1)
    if classes == 2:
        return ["p1"], p.reshape(-1, 1)
    return ["p%d" % k for k in range(classes)], p


# ---------------------------------------------------------------- LightGBM

LGB_COMMON = {"num_leaves": 8, "learning_rate": 0.2, "min_data_in_leaf": 10, "num_threads": 1,
              "deterministic": True, "seed": 7, "verbose": -1, "max_bin": 63}

LGB_MODELS = [
    # name, label, params, rounds, classes, categorical columns
    ("regression", "reg", {"objective": "regression"}, 12, 0, []),
    ("binary", "bin", {"objective": "binary", "sigmoid": 0.7}, 12, 2, []),
    ("multiclass", "multi", {"objective": "multiclass", "num_class": 3}, 6, 3, []),
    ("poisson", "pois", {"objective": "poisson"}, 12, 0, []),
    ("categorical", "reg", {"objective": "regression", "cat_smooth": 1, "min_data_per_group": 5,
                            "cat_l2": 1, "max_cat_to_onehot": 2}, 12, 0, [3]),
    ("zero_as_missing", "reg", {"objective": "regression", "zero_as_missing": True}, 12, 0, []),
    ("rf", "reg", {"objective": "regression", "boosting": "rf", "bagging_fraction": 0.7, "bagging_freq": 1,
                   "feature_fraction": 0.8}, 6, 0, []),
]


def lgb_thresholds(booster):
    out = []
    for t in booster.dump_model()["tree_info"]:
        stack = [t["tree_structure"]]
        while stack:
            n = stack.pop()
            if "split_feature" not in n:
                continue
            if n["decision_type"] == "<=":
                out.append((n["split_feature"], float(n["threshold"])))
            stack += [n["right_child"], n["left_child"]]
    return out


def lightgbm_fixtures(X, y):
    comment = "scoring/testdata/importers/gen.py, lightgbm %s, numpy %s" % (lgb.__version__, np.__version__)
    boosters = []
    for name, label, params, rounds, classes, cats in LGB_MODELS:
        ds = lgb.Dataset(X, y[label], feature_name=COLS, categorical_feature=cats, free_raw_data=False)
        b = lgb.train({**LGB_COMMON, **params}, ds, num_boost_round=rounds)
        b.save_model(os.path.join(HERE, "lgb_%s.txt" % name))
        boosters.append((name, classes, b))
    rows = list(X[:SCORED]) + special_rows(X, "lgb")
    for _, _, b in boosters:
        rows += probe_rows(X, lgb_thresholds(b), "lgb")
    R = np.array(rows)
    write_csv("lgb_rows.csv", COLS, R, comment)
    for name, classes, b in boosters:
        header, P = pred_columns(b.predict(R), classes)
        write_csv("lgb_%s_pred.csv" % name, header, P, comment)


# ---------------------------------------------------------------- XGBoost

XGB_COMMON = {"max_depth": 3, "eta": 0.3, "nthread": 1, "seed": 7, "tree_method": "hist", "max_bin": 63}

XGB_MODELS = [
    # name, label, params, rounds, classes, feature types
    ("reg", "reg", {"objective": "reg:squarederror"}, 12, 0, None),
    ("binary", "bin", {"objective": "binary:logistic"}, 12, 2, None),
    ("multi", "multi", {"objective": "multi:softprob", "num_class": 3}, 5, 3, None),
    ("poisson", "pois", {"objective": "count:poisson"}, 12, 0, None),
    ("categorical", "reg", {"objective": "reg:squarederror", "max_cat_to_onehot": 1}, 10, 0, ["q", "q", "q", "c", "q"]),
    ("dart", "reg", {"objective": "reg:squarederror", "booster": "dart", "rate_drop": 0.3, "max_depth": 2}, 6, 0, None),
]


def xgb_thresholds(booster):
    out = []
    model = json.loads(bytes(booster.save_raw("json")))
    gb = model["learner"]["gradient_booster"]
    trees = (gb["gbtree"] if gb["name"] == "dart" else gb)["model"]["trees"]
    for t in trees:
        for i, l in enumerate(t["left_children"]):
            if l != -1 and t.get("split_type", [0] * len(t["left_children"]))[i] == 0:
                out.append((t["split_indices"][i], float(t["split_conditions"][i])))
    return out


def xgboost_fixtures(X, y):
    comment = "scoring/testdata/importers/gen.py, xgboost %s, pandas %s, numpy %s" % (
        xgb.__version__, pd.__version__, np.__version__)
    boosters = []
    for name, label, params, rounds, classes, types in XGB_MODELS:
        d = xgb.DMatrix(X, y[label], feature_names=COLS, feature_types=types, enable_categorical=types is not None)
        b = xgb.train({**XGB_COMMON, **params}, d, num_boost_round=rounds)
        b.save_model(os.path.join(HERE, "xgb_%s.json" % name))
        boosters.append((name, classes, types, b))
    # A model trained on a data frame: x3 as a string category, so XGBoost
    # keeps the category names (gradient_booster.model.cats, 3.1 and later).
    # Its codes are the sorted names' positions, "a".."h" for 0..7.
    frame = pd.DataFrame({c: X[:, j] for j, c in enumerate(COLS)})
    letters = np.array(list("abcdefgh"))
    frame["x3"] = pd.Categorical(np.where(np.isnan(X[:, 3]), None, letters[np.nan_to_num(X[:, 3]).astype(int)]),
                                 categories=list(letters))
    b = xgb.train({**XGB_COMMON, "objective": "binary:logistic", "max_cat_to_onehot": 1},
                  xgb.DMatrix(frame, y["bin"], enable_categorical=True), num_boost_round=8)
    b.save_model(os.path.join(HERE, "xgb_frame.json"))
    boosters.append(("frame", 2, ["q", "q", "q", "c", "q"], b))

    rows = list(X[:SCORED]) + special_rows(X, "xgb")
    for _, _, _, b in boosters:
        rows += probe_rows(X, xgb_thresholds(b), "xgb")
    R = np.array(rows)
    write_csv("xgb_rows.csv", COLS, R, comment)
    for name, classes, types, b in boosters:
        d = xgb.DMatrix(R, feature_names=COLS, feature_types=types, enable_categorical=types is not None)
        header, P = pred_columns(b.predict(d), classes)
        write_csv("xgb_%s_pred.csv" % name, header, P, comment)


def main():
    X, y = dataset()
    lightgbm_fixtures(X, y)
    xgboost_fixtures(X, y)
    total = sum(os.path.getsize(os.path.join(HERE, f)) for f in os.listdir(HERE)
                if f.startswith(("lgb_", "xgb_")))
    print("gen.py: fixtures written, %d bytes" % total, file=sys.stderr)


if __name__ == "__main__":
    main()
