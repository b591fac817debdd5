"""Reference results for the GBM in engine/gbm, from XGBoost and LightGBM.

Run through gen.sh (it builds .venv from the pinned requirements.txt first).
Writes four data sets, each as <name>_train.csv and <name>_valid.csv, into
engine/gbm/testdata/ and the two libraries' metrics into
engine/gbm/testdata/reference.json. Deterministic: fixed numpy seeds, one
thread in both libraries, and the models are trained on the CSV files as read
back, so the fixture describes exactly the bytes a reader of the CSV sees.

CSV conventions: a header line, "\\n" line ends, numbers as Python repr of the
(rounded) value, a missing number is an empty field, categorical values are
strings that never parse as numbers. Categorical levels are given to both
libraries in sorted byte order (pandas category dtype shared by train and valid).

How the GBM parameters (ntrees, max_depth, learn_rate, min_rows) map onto the
libraries, and where they cannot be matched exactly (see "conventions" in
reference.json for the same text):

* Both start from the same margin as engine/gbm's initialMargins, passed
  explicitly (XGBoost base_margin, LightGBM init_score, also added at
  prediction): gaussian mean(y), bernoulli logit(mean(y)), poisson
  log(mean(y)), multinomial log(class frequency) per class.
* No L1/L2 penalty, no minimum gain, no row or column sampling, 255 bins.
* Trees: XGBoost grows depth-wise to max_depth. LightGBM grows leaf-wise with
  num_leaves = 2^max_depth and max_depth, which can hold the full depth-wise
  tree, so it ends with the same set of splits a depth-wise grower finds.
* min_rows: LightGBM min_data_in_leaf = min_rows (rows per leaf) with
  min_sum_hessian_in_leaf 0, the GBM's meaning exactly. XGBoost has no row
  count limit, only min_child_weight on the sum of hessians: gaussian
  (hessian 1 per row) min_child_weight = min_rows, exact; the others take
  min_rows times the hessian of one row at the initial margin: bernoulli
  p0(1-p0), poisson mean(y), multinomial min over classes of 2 p_c(1-p_c)
  (XGBoost's softmax hessian carries a factor 2). As the fit sharpens, the
  hessians shrink, so XGBoost's limit gets stricter than min_rows there.
* Categorical: partition splits in both (XGBoost max_cat_to_onehot 1,
  LightGBM max_cat_to_onehot 1), levels ordered by gradient statistics.
  LightGBM cat_l2 = 0 (its extra L2 on categorical splits, 10 by default, is a
  penalty the GBM does not have), min_data_per_group = min_rows, cat_smooth 10
  (its default; categories with fewer rows than that are not used for a
  split).
* Poisson: exact Newton steps in both. XGBoost's count:poisson by default
  multiplies the hessian by exp(0.7) and clips leaves to 0.7
  (max_delta_step 0.7); here max_delta_step = 0. LightGBM's
  poisson_max_delta_step must be > 0, 1e-12 makes the factor exp(1e-12).
* Multinomial leaf values differ between the libraries: LightGBM's softmax
  hessian is K/(K-1) p(1-p), so its leaf is (K-1)/K times the Newton step (as in
  engine/gbm); XGBoost's is 2 p(1-p), half the Newton step. LightGBM is the
  closer reference there.
* Missing values: both learn a default direction per split (XGBoost natively,
  LightGBM use_missing=true, zero_as_missing=false).

Metrics (numpy float64 from each library's margins; sklearn for the named ones):
bernoulli auc = roc_auc_score, logloss = log_loss; gaussian rmse, mae;
multinomial logloss = log_loss, error = share of rows whose most probable class
is not the label; poisson mean_poisson_deviance, rmse of the mean.
"""

import json
import math
import os
import platform
import sys

import lightgbm as lgb
import numpy as np
import pandas as pd
import sklearn
import xgboost as xgb
from sklearn.metrics import (log_loss, mean_absolute_error, mean_poisson_deviance,
                             mean_squared_error, roc_auc_score)

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)

# ---------------------------------------------------------------- data sets


def sig(v, digits):
    """Rounds to `digits` significant digits (keeps the CSV small)."""
    return np.array([float("%.*g" % (digits, x)) for x in v])


def with_missing(rng, v, rate):
    v = v.astype(float).copy()
    v[rng.uniform(size=len(v)) < rate] = np.nan
    return v


def skewed_levels(rng, names, n, conc=1.5):
    """Levels with unequal frequencies (a Dirichlet draw), so some are rare."""
    p = rng.dirichlet(np.full(len(names), conc))
    return rng.choice(names, size=n, p=p)


def expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_binary():
    rng = np.random.default_rng(20250101)
    n = 12000
    x1 = np.round(rng.normal(0.0, 1.0, n), 3)
    x2 = np.round(rng.uniform(0.0, 1000.0, n), 1)
    x3 = np.round(np.exp(rng.normal(math.log(50000.0), 0.6, n)))  # income-like, 1e4..1e5
    x4 = sig(rng.gamma(2.0, 0.0008, n), 3)  # around 1e-3
    x5 = rng.integers(18, 91, n).astype(float)
    x6 = np.round(rng.uniform(-5.0, 5.0, n), 2)
    colors = ["red", "green", "blue", "yellow", "purple", "orange"]
    c1 = rng.choice(colors, size=n, p=[0.3, 0.25, 0.2, 0.12, 0.08, 0.05])
    shops = ["s%02d" % i for i in range(40)]
    c2 = skewed_levels(rng, shops, n)
    eff1 = dict(zip(colors, [0.0, 0.6, -0.5, 1.0, -1.1, 0.3]))
    eff2 = dict(zip(shops, np.round(rng.normal(0.0, 0.9, 40), 3)))
    m1 = rng.uniform(size=n) < 0.05
    m3 = rng.uniform(size=n) < 0.05
    m4 = rng.uniform(size=n) < 0.06
    eta = (-0.4
           + np.where(m1, 0.8, 1.3 * x1 * (x6 > 0) - 0.4 * x1)       # NA x1 is informative
           + 0.9 * (x2 > 620) - 0.6 * (x2 < 150)                     # thresholds
           - 0.9 * np.where(m3, 0.0, np.log(x3 / 50000.0))
           + np.where(m4, -0.5, 600.0 * (x4 - 0.0016))
           + 0.03 * (x5 - 50) * (c1 == "blue") - 0.01 * (x5 - 50)  # interaction with a level
           + np.sin(x6)
           + np.array([eff1[v] for v in c1]) + np.array([eff2[v] for v in c2]))
    y = (rng.uniform(size=n) < expit(eta)).astype(np.int64)
    x1[m1], x3[m3], x4[m4] = np.nan, np.nan, np.nan
    return pd.DataFrame({"x1": x1, "x2": x2, "x3": x3, "x4": x4, "x5": x5, "x6": x6,
                         "c1": c1, "c2": c2, "y": y}), 8000


def make_regression():
    rng = np.random.default_rng(20250102)
    n = 12000
    x = [np.round(rng.normal(0.0, 1.0, n), 3),          # x1
         np.round(rng.uniform(0.0, 1.0, n), 3),         # x2
         np.round(rng.uniform(-10.0, 10.0, n), 2),      # x3 (has NAs)
         sig(np.exp(rng.normal(3.0, 1.0, n)), 3),       # x4 lognormal, ~20
         rng.integers(0, 200, n).astype(float),         # x5
         np.round(rng.normal(100.0, 15.0, n), 1),       # x6
         np.round(rng.uniform(0.0, 1.0, n), 3),         # x7 pure noise
         np.round(rng.normal(0.0, 1.0, n), 3)]          # x8 pure noise
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
             "india", "juliett"]
    c1 = skewed_levels(rng, words, n, conc=3.0)
    eff = dict(zip(words, [0.0, 1.5, -1.0, 2.2, -2.0, 0.5, 0.8, -0.3, 3.0, -1.6]))
    m3 = rng.uniform(size=n) < 0.05
    x1, x2, x3, x4, x5, x6 = x[:6]
    f = (3.0 * np.sin(1.5 * x1)
         + 4.0 * (x2 > 0.5) * np.where(m3, 0.3, x3 / 10.0)
         + np.where(m3, 1.0, 0.02 * x3 ** 2)
         + 1.2 * np.log(x4)
         + 2.0 * (x5 > 120) - 1.0 * (x5 < 30)
         + 0.05 * (x6 - 100.0) * (x1 > 0)
         + np.array([eff[v] for v in c1]))
    y = np.round(f + rng.normal(0.0, 1.0, n), 4)
    x[2] = np.where(m3, np.nan, x3)
    cols = {"x%d" % (i + 1): v for i, v in enumerate(x)}
    cols.update({"c1": c1, "y": y})
    return pd.DataFrame(cols), 8000


def make_multiclass():
    rng = np.random.default_rng(20250103)
    n = 9000
    x1 = np.round(rng.normal(0.0, 1.0, n), 3)
    x2 = np.round(rng.uniform(0.0, 100.0, n), 2)
    x3 = np.round(rng.normal(5.0, 2.0, n), 3)
    x4 = sig(rng.exponential(0.01, n), 3)
    x5 = rng.integers(1, 13, n).astype(float)
    tiers = ["bronze", "silver", "gold", "platinum", "basic"]
    c1 = rng.choice(tiers, size=n, p=[0.3, 0.25, 0.2, 0.1, 0.15])
    eb = dict(zip(tiers, [0.0, 0.5, 1.0, 1.5, -0.8]))
    ec = dict(zip(tiers, [0.0, -0.5, 0.2, 1.2, 0.6]))
    m2 = rng.uniform(size=n) < 0.05
    x2e = np.where(m2, 50.0, x2)
    sb = (0.2 + 1.2 * x1 * (x3 > 5) + 0.03 * (x2e - 50) + np.array([eb[v] for v in c1])
          + 0.8 * np.sin(x5 / 2.0))
    sc = (-0.3 - 1.0 * x1 + 1.5 * (x2e > 70) + 80.0 * (x4 - 0.01)
          + np.array([ec[v] for v in c1]) + 0.3 * (x3 - 5) * (x5 > 6) + 0.7 * m2)
    s = np.stack([np.zeros(n), sb, sc], axis=1)
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.uniform(size=n)
    cls = (u[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, 2)
    label = np.array(["a", "b", "c"])[cls]
    x2 = np.where(m2, np.nan, x2)
    return pd.DataFrame({"x1": x1, "x2": x2, "x3": x3, "x4": x4, "x5": x5, "c1": c1,
                         "label": label}), 6000


def make_counts():
    rng = np.random.default_rng(20250104)
    n = 9000
    x1 = np.round(rng.normal(0.0, 1.0, n), 3)
    x2 = np.round(rng.uniform(-1.0, 1.0, n), 3)
    x3 = sig(np.exp(rng.normal(4.0, 0.8, n)), 3)
    x4 = rng.integers(0, 50, n).astype(float)
    x5 = np.round(rng.uniform(0.0, 1.0, n), 3)
    regions = ["north", "south", "east", "west", "central", "coast", "hills", "islands"]
    c1 = skewed_levels(rng, regions, n, conc=2.0)
    eff = dict(zip(regions, [0.0, 0.3, -0.4, 0.5, -0.2, 0.8, -0.7, 0.1]))
    m3 = rng.uniform(size=n) < 0.05
    eta = (0.3 + 0.6 * np.sin(1.5 * x1) + 0.5 * (x2 > 0.2) * (x1 > -0.5)
           + np.where(m3, 0.4, 0.3 * (np.log(x3) - 4.0))
           - 0.015 * np.abs(x4 - 25) + 0.6 * x5 ** 2
           + np.array([eff[v] for v in c1]))
    y = rng.poisson(np.exp(eta))
    x3 = np.where(m3, np.nan, x3)
    return pd.DataFrame({"x1": x1, "x2": x2, "x3": x3, "x4": x4, "x5": x5, "c1": c1,
                         "y": y}), 6000


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def write_and_reload(df, name):
    path = os.path.join(TESTDATA, name)
    df.to_csv(path, index=False, lineterminator="\n", na_rep="")
    back = pd.read_csv(path, keep_default_na=False, na_values=[""])
    for c in df.columns:  # the CSV must round-trip exactly
        a, b = df[c].to_numpy(), back[c].to_numpy()
        if df[c].dtype.kind in "fiu":
            assert b.dtype.kind in "fiu", c
            assert np.array_equal(a.astype(float), b.astype(float), equal_nan=True), c
        else:
            assert [str(v) for v in a] == [str(v) for v in b], c
            assert not any(_is_number(str(v)) for v in b), c
    return back


# ---------------------------------------------------------------- fitting


class Data:
    """One data set as both libraries see it."""

    def __init__(self, name, kind, dist, target, train, valid):
        self.name, self.kind, self.dist, self.target = name, kind, dist, target
        feats = [c for c in train.columns if c != target]
        self.cats = [c for c in feats if train[c].dtype.kind not in "fiu"]
        for c in self.cats:
            levels = sorted(set(train[c]) | set(valid[c]))
            dt = pd.CategoricalDtype(levels)
            train[c], valid[c] = train[c].astype(str).astype(dt), valid[c].astype(str).astype(dt)
        self.X = {"train": train[feats], "valid": valid[feats]}
        if dist == "multinomial":
            self.classes = sorted(set(train[target]))
            code = {v: i for i, v in enumerate(self.classes)}
            self.y = {s: np.array([code[v] for v in d[target]], dtype=float)
                      for s, d in (("train", train), ("valid", valid))}
        else:
            self.classes = None
            self.y = {"train": train[target].to_numpy(float), "valid": valid[target].to_numpy(float)}
        self.init = initial_margins(dist, self.y["train"], len(self.classes or [0]))

    def base(self, split):
        n = len(self.y[split])
        if self.dist == "multinomial":
            return np.tile(self.init, (n, 1))
        return np.full(n, self.init[0])


def initial_margins(dist, y, k):
    """The same start as engine/gbm (train.go initialMargins)."""
    mean = float(np.mean(y))
    if dist == "bernoulli":
        p = min(max(mean, 1e-10), 1 - 1e-10)
        return [math.log(p / (1 - p))]
    if dist == "poisson":
        return [math.log(max(mean, 1e-10))]
    if dist == "multinomial":
        return [math.log(max(float(np.mean(y == c)), 1e-10)) for c in range(k)]
    return [mean]


def metrics(dist, y, margin):
    if dist == "bernoulli":
        p = expit(margin)
        return {"auc": float(roc_auc_score(y, p)), "logloss": float(log_loss(y, p, labels=[0, 1]))}
    if dist == "gaussian":
        return {"rmse": float(math.sqrt(mean_squared_error(y, margin))),
                "mae": float(mean_absolute_error(y, margin))}
    if dist == "poisson":
        mu = np.exp(margin)
        return {"mean_poisson_deviance": float(mean_poisson_deviance(y, mu)),
                "rmse": float(math.sqrt(mean_squared_error(y, mu)))}
    p = np.exp(margin - margin.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return {"logloss": float(log_loss(y, p, labels=list(range(p.shape[1])))),
            "error": float(np.mean(np.argmax(p, axis=1) != y))}


def min_child_weight(d, min_rows):
    """XGBoost's hessian limit standing in for min_rows (see the module doc)."""
    if d.dist == "gaussian":
        return float(min_rows)
    if d.dist == "bernoulli":
        p = float(np.mean(d.y["train"]))
        return float(min_rows * p * (1 - p))
    if d.dist == "poisson":
        return float(min_rows * np.mean(d.y["train"]))
    p = np.array([np.mean(d.y["train"] == c) for c in range(len(d.classes))])
    return float(min_rows * np.min(2 * p * (1 - p)))


XGB_OBJ = {"bernoulli": "binary:logistic", "gaussian": "reg:squarederror",
           "poisson": "count:poisson", "multinomial": "multi:softprob"}
LGB_OBJ = {"bernoulli": "binary", "gaussian": "regression", "poisson": "poisson",
           "multinomial": "multiclass"}


def fit_xgboost(d, gp):
    params = {
        "objective": XGB_OBJ[d.dist], "tree_method": "hist", "grow_policy": "depthwise",
        "max_bin": 255, "eta": gp["learn_rate"], "max_depth": gp["max_depth"],
        "min_child_weight": min_child_weight(d, gp["min_rows"]), "reg_lambda": 0.0,
        "reg_alpha": 0.0, "gamma": 0.0, "max_delta_step": 0.0, "subsample": 1.0,
        "colsample_bytree": 1.0, "colsample_bylevel": 1.0, "colsample_bynode": 1.0,
        "max_cat_to_onehot": 1, "nthread": 1, "seed": 0, "verbosity": 0,
    }
    if d.dist == "multinomial":
        params["num_class"] = len(d.classes)
    dm = {s: xgb.DMatrix(d.X[s], label=d.y[s], base_margin=d.base(s), enable_categorical=True,
                         missing=np.nan) for s in ("train", "valid")}
    booster = xgb.train(params, dm["train"], num_boost_round=gp["ntrees"])
    out = {}
    for s in ("valid", "train"):
        margin = booster.predict(dm[s], output_margin=True).astype(np.float64)
        out[s] = metrics(d.dist, d.y[s], margin)
    out["params"] = dict(params, num_boost_round=gp["ntrees"], enable_categorical=True,
                         base_margin="init_margin of the data set, every row")
    out["trees"] = len(booster.get_dump())
    return out


def fit_lightgbm(d, gp):
    params = {
        "objective": LGB_OBJ[d.dist], "boosting": "gbdt", "num_iterations": gp["ntrees"],
        "learning_rate": gp["learn_rate"], "num_leaves": 2 ** gp["max_depth"],
        "max_depth": gp["max_depth"], "min_data_in_leaf": int(gp["min_rows"]),
        "min_sum_hessian_in_leaf": 0.0, "lambda_l1": 0.0, "lambda_l2": 0.0,
        "min_gain_to_split": 0.0, "max_bin": 255, "bagging_fraction": 1.0, "bagging_freq": 0,
        "feature_fraction": 1.0, "feature_fraction_bynode": 1.0, "max_cat_to_onehot": 1,
        "cat_l2": 0.0, "cat_smooth": 10.0, "min_data_per_group": int(gp["min_rows"]),
        "max_cat_threshold": 32, "use_missing": True, "zero_as_missing": False,
        "deterministic": True, "force_col_wise": True, "num_threads": 1, "seed": 0,
        "verbose": -1,
    }
    if d.dist == "multinomial":
        params["num_class"] = len(d.classes)
    if d.dist == "poisson":
        params["poisson_max_delta_step"] = 1e-12
    train = lgb.Dataset(d.X["train"], label=d.y["train"], init_score=d.base("train"),
                        categorical_feature=d.cats, free_raw_data=False)
    booster = lgb.train(params, train)
    out = {}
    for s in ("valid", "train"):
        margin = booster.predict(d.X[s], raw_score=True) + d.base(s)
        out[s] = metrics(d.dist, d.y[s], np.asarray(margin, dtype=np.float64))
    out["params"] = dict(params, categorical_feature=d.cats,
                         init_score="init_margin of the data set, every row (added at prediction)")
    out["trees"] = booster.num_trees()
    return out


PARAMS = [
    {"ntrees": 50, "max_depth": 5, "learn_rate": 0.1, "min_rows": 10},
    {"ntrees": 100, "max_depth": 3, "learn_rate": 0.2, "min_rows": 20},
]

CONVENTIONS = {
    "init_margin": "both libraries start from the data set's init_margin (engine/gbm "
                   "initialMargins: gaussian mean, bernoulli logit(mean), poisson log(mean), "
                   "multinomial log class frequency), XGBoost as base_margin, LightGBM as "
                   "init_score added back at prediction",
    "trees": "XGBoost depth-wise to max_depth; LightGBM leaf-wise with num_leaves = "
             "2^max_depth and max_depth, room for the full depth-wise tree",
    "min_rows": "LightGBM min_data_in_leaf = min_rows, min_sum_hessian_in_leaf 0 (exact); "
                "XGBoost has no row limit: min_child_weight = min_rows for gaussian (exact), "
                "otherwise min_rows times one row's hessian at the initial margin: bernoulli "
                "p0(1-p0), poisson mean(y), multinomial min_c 2 p_c(1-p_c)",
    "penalties": "none: L1 0, L2 0 (LightGBM cat_l2 0 too), min gain 0, no sampling",
    "categorical": "partition splits in both (max_cat_to_onehot 1), levels in sorted byte "
                   "order; LightGBM cat_smooth 10, min_data_per_group = min_rows, "
                   "max_cat_threshold 32; XGBoost max_cat_threshold 64 (default)",
    "poisson": "exact Newton steps: XGBoost max_delta_step 0 (its default 0.7 scales the "
               "hessian by exp(0.7) and clips leaves), LightGBM poisson_max_delta_step 1e-12",
    "multinomial": "LightGBM leaf = (K-1)/K Newton step (hessian K/(K-1) p(1-p), as engine/gbm); "
                   "XGBoost leaf = 1/2 Newton step (hessian 2p(1-p)): LightGBM is the closer one",
    "missing": "empty CSV field; both libraries learn a default direction per split",
    "metrics": "from each library's margins in float64: bernoulli auc (sklearn "
               "roc_auc_score), logloss (log_loss); gaussian rmse, mae; multinomial logloss, "
               "error (argmax != label); poisson mean_poisson_deviance (sklearn), rmse of "
               "exp(margin)",
}


def main():
    specs = [("binary", make_binary, "binomial", "bernoulli", "y"),
             ("regression", make_regression, "regression", "gaussian", "y"),
             ("multiclass", make_multiclass, "multinomial", "multinomial", "label"),
             ("counts", make_counts, "regression", "poisson", "y")]
    datasets, data = {}, []
    for name, make, kind, dist, target in specs:
        df, ntrain = make()
        tr = write_and_reload(df.iloc[:ntrain].reset_index(drop=True), name + "_train.csv")
        va = write_and_reload(df.iloc[ntrain:].reset_index(drop=True), name + "_valid.csv")
        d = Data(name, kind, dist, target, tr, va)
        datasets[name] = {"train": name + "_train.csv", "valid": name + "_valid.csv",
                          "target": target, "kind": kind, "distribution": dist,
                          "categorical": d.cats, "rows": {"train": len(tr), "valid": len(va)},
                          "init_margin": d.init}
        if d.classes:
            datasets[name]["classes"] = d.classes
        data.append(d)

    cases = []
    for d in data:
        for gp in PARAMS:
            case = {"dataset": d.name, "params": gp, "distribution": d.dist,
                    "xgboost": fit_xgboost(d, gp), "lightgbm": fit_lightgbm(d, gp)}
            cases.append(case)
            x, l = case["xgboost"]["valid"], case["lightgbm"]["valid"]
            print("%-10s %-45s xgb %s  lgb %s" % (d.name, json.dumps(gp), x, l), file=sys.stderr)

    out = {
        "generator": "engine/gbm/testdata/reference/gen.py",
        "python": platform.python_version(),
        "libraries": {"xgboost": xgb.__version__, "lightgbm": lgb.__version__,
                      "numpy": np.__version__, "pandas": pd.__version__,
                      "scikit-learn": sklearn.__version__},
        "conventions": CONVENTIONS,
        "datasets": datasets,
        "cases": cases,
    }
    with open(os.path.join(TESTDATA, "reference.json"), "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
