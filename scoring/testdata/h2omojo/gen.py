"""MOJO fixtures for scoring/h2omojo, made by H2O-3 itself.

Run through gen.sh (it builds .venv from the pinned requirements.txt first).
Starts a local H2O (loopback only, one thread, 1 GB), trains small GBM and GLM
models on a generated data set, downloads each model's MOJO zip and scores
inputs.csv through the MOJO with H2O's own MOJO scorer (h2o-genmodel's
PredictCsv, the reference for how a MOJO predicts), writing:

  inputs.csv          the scoring rows (numeric NaN = empty field, unseen
                      categorical levels "zz" and "L99", missing levels empty)
  <name>.zip          the MOJO exactly as H2O wrote it
  <name>.csv          PredictCsv's outputs for every row of inputs.csv, as
                      Python repr of the exact doubles (PredictCsv writes hex)
  meta.json           h2o version, each model's parameters and the largest
                      difference between the MOJO scorer and H2O's in-cluster
                      predict on the same rows (for information only)

Data: deterministic from random.Random(seed) (same stream on every CPython
3.x), values rounded so that many rows sit exactly on split points. x1 has no
NaN in training but some in inputs.csv (a split's test-time NA direction),
x2 has NaN in both, x3 is an integer 0..12, c1 has 6 levels and NaN, c3 has
40 levels (bitsets wider than 32 bits, with offsets), log_exposure is an
offset for the Poisson models; gbm_nasplit's response makes H2O split x2's
NA against the rest and, with nbins_cats 8, split c3's codes like numbers.

Unsupported on purpose: drf.zip (a DRF) and gbm_calibrated.zip (a GBM with
Platt calibration), to test the refusals.
"""

import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import h2o
from h2o.estimators import (H2OGradientBoostingEstimator,
                            H2OGeneralizedLinearEstimator,
                            H2ORandomForestEstimator)

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611
C1 = ["a", "b", "c", "d", "e", "f"]
C3 = ["L%02d" % i for i in range(40)]
FEATURES = ["x1", "x2", "x3", "c1", "c3"]
CATS = {"c1", "c3"}


def make_rows(rng, n, scoring):
    e1 = {l: rng.uniform(-1, 1) for l in C1}
    e3 = {l: rng.uniform(-1.5, 1.5) for l in C3}
    rows = []
    for _ in range(n):
        x1 = round(rng.uniform(-3, 3), 2)
        if scoring and rng.random() < 0.06:
            x1 = None
        x2 = round(rng.gauss(0, 1), 3) if rng.random() >= 0.12 else None
        x3 = rng.randrange(13)
        c1 = rng.choice(C1) if rng.random() >= 0.1 else None
        c3 = rng.choice(C3)
        if scoring and rng.random() < 0.05:
            c1 = "zz"
        if scoring and rng.random() < 0.05:
            c3 = "L99"
        le = round(math.log(rng.uniform(0.5, 2.0)), 4)
        eta = (0.8 * (x1 or 0) - 0.5 * (x2 or 0) + 0.1 * (x3 - 6)
               + e1.get(c1, 0) + e3.get(c3, 0))
        y = round(eta + rng.gauss(0, 0.5), 4)
        yb = "yes" if rng.random() < 1 / (1 + math.exp(-eta)) else "no"
        s = [eta, -eta + 0.2 * x3, 0.5]
        m = max(s)
        w = [math.exp(v - m) for v in s]
        u = rng.random() * sum(w)
        ym = "A" if u < w[0] else ("B" if u < w[0] + w[1] else "C")
        lam = math.exp(0.3 * eta + le)
        # Knuth's Poisson sampler: fine for these small means.
        k, p, lim = 0, rng.random(), math.exp(-lam)
        while p > lim:
            k += 1
            p *= rng.random()
        yg = round(math.exp(0.3 * eta) * rng.gammavariate(2.0, 0.5), 4)
        # yn: a missing x2 shifts the response, so that H2O splits NA
        # against the rest (no random draw: the other columns stay as they are).
        yn = round(y + (3.0 if x2 is None else 0.0), 4)
        rows.append({"x1": x1, "x2": x2, "x3": x3, "c1": c1, "c3": c3,
                     "log_exposure": le, "y": y, "yb": yb, "ym": ym,
                     "yp": k, "yg": yg, "yn": yn})
    return rows


def cell(v):
    if v is None:
        return ""
    return repr(v) if isinstance(v, float) else str(v)


def write_csv(path, rows, cols):
    with open(path, "w", newline="") as f:
        f.write(",".join(cols) + "\n")
        for r in rows:
            f.write(",".join(cell(r[c]) for c in cols) + "\n")


def models():
    gbm = dict(seed=SEED, min_rows=5, sample_rate=1.0, col_sample_rate=1.0,
               score_tree_interval=0, stopping_rounds=0)
    glm = dict(seed=SEED, standardize=True)
    return [
        ("gbm_gaussian", H2OGradientBoostingEstimator(distribution="gaussian", ntrees=10, max_depth=4, learn_rate=0.3, **gbm), "y", {}),
        ("gbm_bernoulli", H2OGradientBoostingEstimator(distribution="bernoulli", ntrees=10, max_depth=4, learn_rate=0.3, **gbm), "yb", {}),
        ("gbm_multinomial", H2OGradientBoostingEstimator(distribution="multinomial", ntrees=6, max_depth=3, learn_rate=0.3, **gbm), "ym", {}),
        ("gbm_poisson", H2OGradientBoostingEstimator(distribution="poisson", ntrees=8, max_depth=3, learn_rate=0.3, offset_column="log_exposure", **gbm), "yp", {}),
        # nbins_cats 8 < 40 levels of c3: H2O then also splits c3's codes
        # with "<" like a number.
        ("gbm_nasplit", H2OGradientBoostingEstimator(distribution="gaussian", ntrees=5, max_depth=4, learn_rate=0.3, nbins_cats=8, **gbm), "yn", {}),
        ("gbm_huber", H2OGradientBoostingEstimator(distribution="huber", ntrees=5, max_depth=3, learn_rate=0.3, **gbm), "y", {}),
        # lambda 0: H2O drops each factor's first level (use_all_factor_levels
        # false); any lambda > 0 or no intercept makes it keep every level.
        ("glm_gaussian", H2OGeneralizedLinearEstimator(family="gaussian", lambda_=0, **glm), "y", {}),
        ("glm_binomial", H2OGeneralizedLinearEstimator(family="binomial", lambda_=1e-3, alpha=0.5, **glm), "yb", {}),
        ("glm_poisson", H2OGeneralizedLinearEstimator(family="poisson", lambda_=1e-3, alpha=0.5, offset_column="log_exposure", **glm), "yp", {}),
        ("glm_multinomial", H2OGeneralizedLinearEstimator(family="multinomial", lambda_=0, **glm), "ym", {}),
        ("glm_gamma", H2OGeneralizedLinearEstimator(family="gamma", link="log", lambda_=1e-3, alpha=0.5, intercept=False, **glm), "yg", {}),
        ("glm_tweedie", H2OGeneralizedLinearEstimator(family="tweedie", link="tweedie", tweedie_variance_power=1.5, tweedie_link_power=0, lambda_=1e-3, alpha=0.5, **glm), "yg", {}),
        ("drf", H2ORandomForestEstimator(ntrees=2, max_depth=2, seed=SEED), "y", {}),
        ("gbm_calibrated", H2OGradientBoostingEstimator(distribution="bernoulli", ntrees=2, max_depth=2, calibrate_model=True, **gbm), "yb", {"calibration": True}),
    ]


def predict_csv(jar, mojo, inputs, out):
    subprocess.run(["java", "-Xmx512m", "-cp", jar, "hex.genmodel.tools.PredictCsv",
                    "--mojo", mojo, "--input", inputs, "--output", out],
                   check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def as_float(s):
    if s == "NA":
        return float("nan")
    return float.fromhex(s)


def main():
    rng = random.Random(SEED)
    train = make_rows(rng, 400, False)
    calib = make_rows(rng, 150, False)
    score = make_rows(rng, 250, True)
    tmp = tempfile.mkdtemp(prefix="h2omojo-")
    try:
        cols = FEATURES + ["log_exposure", "y", "yb", "ym", "yp", "yg", "yn"]
        write_csv(os.path.join(tmp, "train.csv"), train, cols)
        write_csv(os.path.join(tmp, "calib.csv"), calib, cols)
        inputs = os.path.join(HERE, "inputs.csv")
        write_csv(inputs, score, FEATURES + ["log_exposure"])

        h2o.init(ip="127.0.0.1", port=54621, bind_to_localhost=True, nthreads=1,
                 max_mem_size="1G", strict_version_check=False, verbose=False)
        types = {c: ("enum" if c in CATS or c in ("yb", "ym") else "numeric") for c in cols}
        tr = h2o.import_file(os.path.join(tmp, "train.csv"), col_types=types)
        ca = h2o.import_file(os.path.join(tmp, "calib.csv"), col_types=types)
        st = {c: types[c] for c in FEATURES + ["log_exposure"]}
        te = h2o.import_file(inputs, col_types=st)
        meta = {"generator": "scoring/testdata/h2omojo/gen.py", "h2o": h2o.__version__,
                "predictions": "h2o-genmodel PredictCsv (unknown levels as NA)", "models": {}}
        jar = None
        for name, est, resp, extra in models():
            if extra.get("calibration"):
                est.calibration_frame = ca
            est.train(x=list(FEATURES), y=resp, training_frame=tr)
            path = est.download_mojo(path=tmp, get_genmodel_jar=jar is None)
            if jar is None:
                jar = os.path.join(tmp, "h2o-genmodel.jar")
            dst = os.path.join(HERE, name + ".zip")
            shutil.copyfile(path, dst)
            entry = {"algo": est.algo, "response": resp,
                     "params": {k: v for k, v in est.actual_params.items()
                                if k in ("distribution", "family", "link", "ntrees", "max_depth",
                                         "learn_rate", "lambda", "alpha", "intercept",
                                         "offset_column", "missing_values_handling",
                                         "tweedie_variance_power", "tweedie_link_power")}}
            if name in ("drf", "gbm_calibrated"):
                meta["models"][name] = entry
                continue
            header, rows = predict_csv(jar, dst, inputs, os.path.join(tmp, name + ".out"))
            keep = [i for i, h in enumerate(header) if not (h == "predict" and len(header) > 1)]
            with open(os.path.join(HERE, name + ".csv"), "w") as f:
                f.write(",".join(header[i] for i in keep) + "\n")
                vals = []
                for r in rows:
                    v = [as_float(r[i]) for i in keep]
                    vals.append(v)
                    f.write(",".join(repr(a) for a in v) + "\n")
            # H2O's in-cluster predict, for information: its handling of unseen
            # levels differs from the MOJO scorer's for some models.
            pf = est.predict(te).as_data_frame(use_pandas=False, header=True)
            ph = pf[0]
            diff, compared = 0.0, 0
            for r, v in zip(pf[1:], vals):
                for j, i in enumerate(keep):
                    c = ph.index(header[i]) if header[i] in ph else None
                    if c is None:
                        continue
                    a = float(r[c]) if r[c] not in ("", "NA", "nan") else float("nan")
                    compared += 1
                    if not (math.isnan(a) and math.isnan(v[j])):
                        diff = max(diff, abs(a - v[j]))
            entry["cluster_predict_values_compared"] = compared
            entry["max_abs_diff_mojo_vs_cluster_predict"] = diff
            meta["models"][name] = entry
        with open(os.path.join(HERE, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
            f.write("\n")
    finally:
        try:
            h2o.cluster().shutdown()
        except Exception:  # noqa: BLE001 - the JVM may already be gone
            pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
