#!/usr/bin/env python3
"""Side-by-side training benchmark: mlctl against XGBoost, LightGBM, scikit-learn, H2O-3.

One run of this script trains every tool on the same data, on this machine,
one tool after another. The cases (data set x algorithm) are:

    gbm-airline        airline-like CSV (bench/gen.AirlineTrain), GBM:
                       100 trees, depth 10, learn rate 0.1
    gbm-airline-small  the same on the small airline file (0.1M rows)
    gbm-higgs          HIGGS-like CSV (bench/gen.Higgs, 28 floats), GBM:
                       100 trees, depth 8, learn rate 0.1
    glm-airline        the airline file, binomial GLM without penalty
                       (categoricals one-hot)
    glm-route          bench/gen.AirlineTrainWithRoute (Route: 4,000 levels
                       in place of Origin and Dest), the same GLM

Every CSV is first split into a .train.csv and a .valid.csv beside it (80/20,
each data row drawn with a fixed seed, so every tool sees exactly the same
rows). For every (case, tool) pair a worker (this same script with --worker)
runs under `taskset -c CPUS` (default 0-1), so the affinity holds for
everything it starts: mlctl's CLI and engine nodes, H2O's JVM and the thread
pools of the libraries, which are also told the thread count. Inside the
worker the untimed setup runs first (cluster launch, h2o.init, imports), then
the load (CSV to what the tool trains on) and the fit are timed separately,
then the model is scored on the validation rows. While the worker runs, the
parent (a child subreaper, so detached descendants stay its descendants)
polls /proc every 100 ms and sums the resident memory of all its
descendants (the worker, mlctl's CLI and engine nodes, H2O's JVM), for the
peak memory of the whole tree.

    bench/peers/.venv/bin/python bench/peers/train_bench.py --mlctl bin/mlctl \\
        --airline /tmp/mlctl-peers/airline-train-1M.csv \\
        --airline-small /tmp/mlctl-peers/airline-train-100k.csv \\
        --higgs /tmp/mlctl-peers/higgs-1M.csv \\
        --route /tmp/mlctl-peers/airline-route-1M.csv

A case whose CSV is not given is skipped. A tool that fails becomes a row
with its error; the run goes on. See README.md beside this file for what
each number counts.
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_bench import (_free_port_pair, _run, count_rows, loadavg,  # noqa: E402
                          machine_info, warm_cache)

# Cases in table order: which CSV (the --FLAG that names it), the target,
# the algorithm and its parameters.
CASES = {
    "gbm-airline": {"data": "airline", "algo": "gbm", "target": "IsDelayed",
                    "ntrees": 100, "max_depth": 10, "learn_rate": 0.1},
    "gbm-airline-small": {"data": "airline_small", "algo": "gbm", "target": "IsDelayed",
                          "ntrees": 100, "max_depth": 10, "learn_rate": 0.1},
    "gbm-higgs": {"data": "higgs", "algo": "gbm", "target": "y",
                  "ntrees": 100, "max_depth": 8, "learn_rate": 0.1},
    "glm-airline": {"data": "airline", "algo": "glm", "target": "IsDelayed", "family": "binomial", "lambda": 0},
    "glm-route": {"data": "route", "algo": "glm", "target": "IsDelayed", "family": "binomial", "lambda": 0},
}

# Tools in table order, and the algorithms each one runs.
TOOLS = {
    "mlctl-1node": ("gbm", "glm"),
    "mlctl-2nodes": ("gbm", "glm"),
    "xgboost": ("gbm",),
    "lightgbm": ("gbm",),
    "sklearn": ("gbm", "glm"),  # HistGradientBoostingClassifier; LogisticRegression
    "h2o": ("gbm", "glm"),
}

TOOL_LABELS = {
    "mlctl-1node": "mlctl, 1 node x 2 cores",
    "mlctl-2nodes": "mlctl, 2 nodes x 1 core (approx.)",
    "xgboost": "XGBoost (hist)",
    "lightgbm": "LightGBM",
    "sklearn": {"gbm": "scikit-learn HistGradientBoosting", "glm": "scikit-learn LogisticRegression"},
    "h2o": {"gbm": "H2O-3 GBM", "glm": "H2O-3 GLM"},
}

BASELINE = "mlctl-1node"  # the ratio column divides by this tool's fit time
SPLIT_SEED = 20240601
TRAIN_FRACTION = 0.8


def tool_label(tool, algo):
    lab = TOOL_LABELS[tool]
    return lab[algo] if isinstance(lab, dict) else lab


# ---------------------------------------------------------------------------
# Workers: each trains one tool on one case and writes a JSON result.
# ---------------------------------------------------------------------------


class Phases:
    """Epoch times of the worker's phases, for the parent to match against
    its memory samples, and the seconds each took."""

    def __init__(self):
        self.spans = {}

    def run(self, name, fn):
        t0 = time.time()
        p0 = time.perf_counter()
        try:
            return fn()
        finally:
            self.spans[name] = {"start": t0, "end": time.time(), "seconds": time.perf_counter() - p0}


def _find(obj, key):
    """The first value of key anywhere in a decoded JSON value, or None."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        vals = obj.values()
    elif isinstance(obj, list):
        vals = obj
    else:
        return None
    for v in vals:
        r = _find(v, key)
        if r is not None:
            return r
    return None


def work_mlctl(a, case, ph, res):
    nodes = 1 if a.worker == "mlctl-1node" else 2
    home = a.mlctl_home
    env = dict(os.environ, MLCTL_HOME=home, NO_COLOR="1")
    cores = a.threads
    vcores = max(1, cores // nodes)
    if nodes > 1 and a.gomaxprocs_per_node > 0:
        # The nodes inherit the CLI's environment: one Go worker thread each,
        # so two nodes share the two pinned cores as two one-core nodes would.
        env["GOMAXPROCS"] = str(a.gomaxprocs_per_node)
    name = "trainbench%d" % nodes
    mem_per_node = "%dm" % (a.memory_gb * 1024 // nodes)
    res["version"] = _run([a.mlctl, "version"], env).strip()
    res["setup"] = {"nodes": nodes, "memory_per_node": mem_per_node, "vcores_per_node": vcores,
                    "gomaxprocs": env.get("GOMAXPROCS", "unset (= the 2 pinned cores)")}
    launched = False
    try:
        ph.run("setup", lambda: _run([a.mlctl, "cluster", "launch", name, "--nodes", str(nodes),
                                      "--memory", mem_per_node, "--vcores", str(vcores), "--wait",
                                      "--output", "json"], env))
        launched = True

        def load():
            for frame, path in (("train", case["train_csv"]), ("valid", case["valid_csv"])):
                t0 = time.perf_counter()
                out = _run([a.mlctl, "frame", "import", "--cluster", name, path, "--name", frame,
                            "--output", "json"], env)
                res.setdefault("frames", {})[frame] = {"seconds": time.perf_counter() - t0,
                                                       "record": _json_or_text(out)}
        ph.run("load", load)
        cmd = [a.mlctl, "train", case["algo"], "--cluster", name, "--frame", "train", "--valid", "valid",
               "--target", case["target"]]
        if case["algo"] == "gbm":
            cmd += ["--ntrees", str(case["ntrees"]), "--max-depth", str(case["max_depth"]),
                    "--learn-rate", str(case["learn_rate"]), "--seed", "1"]
        else:
            cmd += ["--family", case["family"], "--lambda", str(case["lambda"])]
        cmd += ["--wait", "--output", "json"]
        res["command"] = cmd[1:]
        out = ph.run("fit", lambda: _run(cmd, env))
        model = json.loads(out)
        if not isinstance(model, dict):
            raise RuntimeError("`mlctl train` printed no JSON object: %s" % out[:500])
        # The whole record unless it is large (a model with its trees).
        res["model_json"] = model if len(out) < 200000 else {
            k: model.get(k) for k in ("model_id", "algo", "params", "metrics", "training_time_ms")}
        ms = model["training_time_ms"] if "training_time_ms" in model else _find(model, "training_time_ms")
        if ms is None:
            raise RuntimeError("no training_time_ms in `mlctl train` output: %s" % out[:500])
        res["fit_seconds"] = ms / 1000.0
        res["fit_wall_seconds"] = ph.spans["fit"]["seconds"]
        valid = (model.get("metrics") or {}).get("valid") or {}
        res["metrics"] = {k: valid.get(k) for k in ("auc", "logloss", "rmse") if valid.get(k) is not None}
        if "auc" not in res["metrics"]:
            raise RuntimeError("no metrics.valid.auc in `mlctl train` output: %s" % out[:500])
        res["how"] = {"fit": "training_time_ms of `mlctl train ... --output json` (the engine's own clock)",
                      "fit_wall": "wall time of the `mlctl train --wait` CLI process",
                      "load": "wall time of the two `mlctl frame import` CLI processes",
                      "metric": "metrics.valid of the same JSON (computed by mlctl)"}
    finally:
        if launched or os.path.isdir(os.path.join(home, "clusters", name)):
            for verb in ("stop", "delete"):
                subprocess.run([a.mlctl, "cluster", verb, name], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def _json_or_text(s):
    try:
        return json.loads(s)
    except ValueError:
        return s.strip()[:500]


def _read_pandas(case, ph, res, codes_above=None):
    """Reads the train and valid CSVs with pandas and makes the string columns
    pandas categoricals with the training file's levels (a level seen only in
    the validation file becomes missing). Columns with more than codes_above
    levels are turned into their integer codes instead (for scikit-learn's
    255-level limit). Returns X_train, y_train, X_valid, y_valid, cat names."""
    import pandas as pd

    def load():
        tr = pd.read_csv(case["train_csv"])
        va = pd.read_csv(case["valid_csv"])
        ytr, yva = tr.pop(case["target"]).to_numpy(), va.pop(case["target"]).to_numpy()
        cats, coded = [], []
        for c in tr.columns:
            if pd.api.types.is_string_dtype(tr[c]) or pd.api.types.is_object_dtype(tr[c]):
                dt = pd.CategoricalDtype(sorted(tr[c].dropna().unique()))
                tr[c], va[c] = tr[c].astype(dt), va[c].astype(dt)
                if codes_above is not None and len(dt.categories) > codes_above:
                    tr[c] = tr[c].cat.codes.astype("float64").where(tr[c].notna())
                    va[c] = va[c].cat.codes.astype("float64").where(va[c].notna())
                    coded.append(c)
                else:
                    cats.append(c)
        return tr, ytr, va, yva, cats, coded
    tr, ytr, va, yva, cats, coded = ph.run("load", load)
    res["data"] = {"train_rows": len(tr), "valid_rows": len(va), "columns": list(tr.columns),
                   "categorical": cats, "as_integer_codes": coded}
    return tr, ytr, va, yva, cats


def _score(ph, res, yva, predict):
    from sklearn.metrics import log_loss, roc_auc_score
    p = ph.run("predict", predict)
    res["metrics"] = {"auc": float(roc_auc_score(yva, p)), "logloss": float(log_loss(yva, p, labels=[0, 1]))}


def _python_how(fit_call):
    return {"fit": "wall time of %s (includes the library's own binning / encoding of the DataFrame)" % fit_call,
            "load": "pandas.read_csv of the train and valid CSVs plus the str -> category conversion",
            "metric": "sklearn.metrics.roc_auc_score on predict_proba of the valid rows"}


def work_xgboost(a, case, ph, res):
    import xgboost as xgb
    res["version"] = "xgboost %s" % xgb.__version__
    tr, ytr, va, yva, cats = _read_pandas(case, ph, res)
    params = dict(n_estimators=case["ntrees"], max_depth=case["max_depth"], learning_rate=case["learn_rate"],
                  tree_method="hist", max_bin=255, n_jobs=a.threads, enable_categorical=True, random_state=1)
    res["params"] = params
    m = xgb.XGBClassifier(**params)
    ph.run("fit", lambda: m.fit(tr, ytr))
    res["fit_seconds"] = res["fit_wall_seconds"] = ph.spans["fit"]["seconds"]
    res["effective_params"] = m.get_xgb_params()
    _score(ph, res, yva, lambda: m.predict_proba(va)[:, 1])
    res["how"] = _python_how("XGBClassifier.fit(X, y)")


def work_lightgbm(a, case, ph, res):
    import lightgbm as lgb
    res["version"] = "lightgbm %s" % lgb.__version__
    tr, ytr, va, yva, cats = _read_pandas(case, ph, res)
    d = case["max_depth"]
    params = dict(n_estimators=case["ntrees"], max_depth=d, num_leaves=2 ** d, learning_rate=case["learn_rate"],
                  max_bin=255, n_jobs=a.threads, random_state=1, verbose=-1)
    res["params"] = dict(params, categorical_feature=cats)
    m = lgb.LGBMClassifier(**params)
    ph.run("fit", lambda: m.fit(tr, ytr, categorical_feature=cats or "auto"))
    res["fit_seconds"] = res["fit_wall_seconds"] = ph.spans["fit"]["seconds"]
    res["effective_params"] = m.booster_.params
    _score(ph, res, yva, lambda: m.predict_proba(va)[:, 1])
    res["how"] = _python_how("LGBMClassifier.fit(X, y, categorical_feature=...)")


def work_sklearn(a, case, ph, res):
    import sklearn
    res["version"] = "scikit-learn %s" % sklearn.__version__
    if case["algo"] == "gbm":
        from sklearn.ensemble import HistGradientBoostingClassifier
        # Native categorical support takes at most max_bins (255) levels;
        # Origin and Dest (300) go in as integer codes, split as numbers.
        tr, ytr, va, yva, cats = _read_pandas(case, ph, res, codes_above=255)
        params = dict(max_iter=case["ntrees"], max_depth=case["max_depth"], learning_rate=case["learn_rate"],
                      max_leaf_nodes=None, max_bins=255, early_stopping=False,
                      categorical_features=cats or None, random_state=1)
        res["params"] = params
        m = HistGradientBoostingClassifier(**params)
        ph.run("fit", lambda: m.fit(tr, ytr))
        res["n_iter"] = int(m.n_iter_)
        res["how"] = _python_how("HistGradientBoostingClassifier.fit(X, y)")
    else:
        import numpy as np
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler
        tr, ytr, va, yva, cats = _read_pandas(case, ph, res)
        nums = [c for c in tr.columns if c not in cats]
        # As H2O-3's GLM does by default: one indicator per level but the
        # first, mean imputation of missing numbers, standardised numbers.
        pre = ColumnTransformer([
            ("cat", OneHotEncoder(drop="first", handle_unknown="ignore"), cats),
            ("num", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), nums)])
        m = make_pipeline(pre, LogisticRegression(C=np.inf, solver="newton-cholesky", max_iter=100))
        res["params"] = {"C": "inf (no penalty)", "solver": "newton-cholesky", "max_iter": 100,
                         "one_hot": "drop first level, sparse", "numeric": "mean-imputed, standardised"}
        ph.run("fit", lambda: m.fit(tr, ytr))
        res["n_iter"] = int(np.max(m[-1].n_iter_))
        res["n_coefficients"] = int(m[-1].coef_.size) + 1
        res["how"] = _python_how("Pipeline(ColumnTransformer(OneHotEncoder, imputer, scaler), "
                                 "LogisticRegression).fit(X, y)")
    res["fit_seconds"] = res["fit_wall_seconds"] = ph.spans["fit"]["seconds"]
    est = m[-1] if hasattr(m, "steps") else m
    res["effective_params"] = {k: v for k, v in est.get_params().items() if not hasattr(v, "fit")}
    _score(ph, res, yva, lambda: m.predict_proba(va)[:, 1])


def work_h2o(a, case, ph, res):
    import h2o
    from h2o.estimators import H2OGeneralizedLinearEstimator, H2OGradientBoostingEstimator

    def setup():
        h2o.init(ip="127.0.0.1", port=_free_port_pair(), nthreads=a.threads, max_mem_size="%dg" % a.memory_gb,
                 enable_assertions=False, bind_to_localhost=True, strict_version_check=True)
        h2o.no_progress()
    ph.run("setup", setup)
    res["version"] = "h2o %s (python client %s)" % (h2o.cluster().version, h2o.__version__)
    res["setup"] = {"nthreads": a.threads, "max_mem_size": "%dg" % a.memory_gb}
    try:
        def load():
            tr = h2o.import_file(case["train_csv"], destination_frame="train")
            va = h2o.import_file(case["valid_csv"], destination_frame="valid")
            tr[case["target"]] = tr[case["target"]].asfactor()
            va[case["target"]] = va[case["target"]].asfactor()
            return tr, va
        tr, va = ph.run("load", load)
        res["data"] = {"train_rows": tr.nrows, "valid_rows": va.nrows, "types": tr.types}
        x = [c for c in tr.columns if c != case["target"]]
        if case["algo"] == "gbm":
            params = dict(ntrees=case["ntrees"], max_depth=case["max_depth"], learn_rate=case["learn_rate"], seed=1)
            m = H2OGradientBoostingEstimator(**params)
        else:
            params = dict(family=case["family"], lambda_=case["lambda"])
            m = H2OGeneralizedLinearEstimator(**params)
        res["params"] = params
        ph.run("fit", lambda: m.train(x=x, y=case["target"], training_frame=tr))
        res["fit_wall_seconds"] = ph.spans["fit"]["seconds"]
        res["effective_params"] = m.actual_params
        rt = m._model_json.get("output", {}).get("run_time")
        res["fit_seconds"] = rt / 1000.0 if rt is not None else res["fit_wall_seconds"]
        perf = m.model_performance(va)
        res["metrics"] = {"auc": perf.auc(), "logloss": perf.logloss(), "auc_by": "H2O (model_performance)"}
        try:
            # The same AUC function as for the Python libraries.
            from sklearn.metrics import roc_auc_score
            pred = ph.run("predict", lambda: m.predict(va)["p1"].as_data_frame(use_pandas=True))
            yva = va[case["target"]].as_data_frame(use_pandas=True).iloc[:, 0].astype(int).to_numpy()
            res["metrics"]["h2o_auc"] = res["metrics"]["auc"]
            res["metrics"]["auc"] = float(roc_auc_score(yva, pred.iloc[:, 0].to_numpy()))
            res["metrics"]["auc_by"] = "sklearn.metrics.roc_auc_score on H2O's p1"
        except Exception as e:  # keep H2O's own AUC
            res["metrics"]["sklearn_auc_error"] = str(e)
        res["how"] = {"fit": "output.run_time of the model (the server's own clock)",
                      "fit_wall": "wall time of estimator.train() with the stock client (polls the job)",
                      "load": "h2o.import_file of the train and valid CSVs plus asfactor() of the target",
                      "metric": "sklearn.metrics.roc_auc_score on predict(valid)['p1'] (H2O's own AUC in h2o_auc)"}
    finally:
        try:
            h2o.cluster().shutdown()
        except Exception:
            pass


def worker(a):
    a.threads = len(os.sched_getaffinity(0))
    case = json.loads(a.case)
    ph = Phases()
    res = {"worker": a.worker, "case": case["name"], "affinity": sorted(os.sched_getaffinity(0)),
           "threads": a.threads}
    fn = {"mlctl-1node": work_mlctl, "mlctl-2nodes": work_mlctl, "xgboost": work_xgboost,
          "lightgbm": work_lightgbm, "sklearn": work_sklearn, "h2o": work_h2o}[a.worker]
    code = 0
    try:
        fn(a, case, ph, res)
    except Exception as e:
        res["error"] = "%s: %s" % (type(e).__name__, e)
        res["traceback"] = traceback.format_exc()
        code = 1
    res["phases"] = ph.spans
    if "load" in ph.spans:
        res["load_seconds"] = ph.spans["load"]["seconds"]
    with open(a.result, "w") as f:
        json.dump(res, f, default=str)
    return code


# ---------------------------------------------------------------------------
# Parent: splits the data, runs the workers, samples their memory, reports.
# ---------------------------------------------------------------------------


def split_csv(src, seed=SPLIT_SEED, frac=TRAIN_FRACTION):
    """Splits src into SRC.train.csv and SRC.valid.csv beside it: each data
    row goes to train with probability frac, decided by random.Random(seed)
    drawn once per row in file order, so the split depends only on the row
    count and the seed. Reused when both files are newer than src."""
    stem = src[:-4] if src.endswith(".csv") else src
    train, valid = stem + ".train.csv", stem + ".valid.csv"
    if all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(src) for p in (train, valid)):
        return train, valid
    rng = random.Random(seed)
    tmp_t, tmp_v = train + ".tmp", valid + ".tmp"
    with open(src, "rb") as f, open(tmp_t, "wb") as ft, open(tmp_v, "wb") as fv:
        header = f.readline()
        ft.write(header)
        fv.write(header)
        for line in f:
            (ft if rng.random() < frac else fv).write(line)
    os.replace(tmp_t, train)
    os.replace(tmp_v, valid)
    return train, valid


class TreeMemory:
    """Samples the resident memory of every descendant of this process. The
    parent makes itself a child subreaper first (prctl), so a process that
    detaches and loses its parent is re-parented here instead of to init and
    stays in the tree: mlctl's engine nodes run in their own session and
    outlive the CLI that launched them, and H2O's JVM has a session of its
    own too. Only /proc/PID/stat (parent PID, name) and statm are read. As
    the parent runs one worker at a time, its descendants are that worker's
    tree."""

    def __init__(self):
        self.me = os.getpid()
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.samples = []  # (epoch, total bytes)
        self.peak = (0, 0.0, {})  # bytes, epoch, {pid: (comm, bytes)} at the peak

    def descendants(self):
        parent, comm = {}, {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d, "rb") as f:
                    s = f.read()
                r = s.rindex(b")")
                parent[int(d)] = int(s[r + 2:].split()[1])  # field 4, ppid
                comm[int(d)] = s[s.index(b"(") + 1:r].decode(errors="replace")
            except (OSError, ValueError, IndexError):
                continue
        children = {}
        for pid, pp in parent.items():
            children.setdefault(pp, []).append(pid)
        out, todo = [], list(children.get(self.me, []))
        while todo:
            pid = todo.pop()
            out.append((pid, comm[pid]))
            todo.extend(children.get(pid, []))
        return out

    def sample(self):
        now = time.time()
        total, procs = 0, {}
        for pid, comm in self.descendants():
            try:
                with open("/proc/%d/statm" % pid) as f:
                    rss = int(f.read().split()[1]) * self.page
            except (OSError, ValueError, IndexError):
                continue
            total += rss
            procs[pid] = (comm, rss)
        self.samples.append((now, total))
        if total > self.peak[0]:
            self.peak = (total, now, procs)
        return procs

    def peak_between(self, t0, t1):
        vals = [b for t, b in self.samples if t0 <= t <= t1]
        return max(vals) if vals else None


def become_subreaper():
    import ctypes
    PR_SET_CHILD_SUBREAPER = 36
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap_orphans():
    """Collects the exit status of re-parented descendants that ended."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _stop_leftovers(mem, mlctl, home):
    """Ends what a worker left behind: the mlctl clusters under its
    MLCTL_HOME (by the CLI), then every remaining descendant, by PID."""
    for name in ("trainbench1", "trainbench2"):
        if os.path.isdir(os.path.join(home, "clusters", name)):
            subprocess.run([mlctl, "cluster", "delete", name], env=dict(os.environ, MLCTL_HOME=home),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        reap_orphans()
        pids = [p for p, _ in mem.descendants()]
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        if pids:
            time.sleep(2)
    reap_orphans()


def run_worker(a, tool, case, cpu_list, tmp):
    """Runs one worker to its end, sampling its memory every 100 ms. Returns
    its result dict (with "error" on failure)."""
    home = tempfile.mkdtemp(prefix="mlctl-train-home-")
    out = os.path.join(tmp, "%s-%s.json" % (case["name"], tool))
    log = os.path.join(tmp, "%s-%s.log" % (case["name"], tool))
    threads = str(len(cpu_list.split(",")))
    # Sized before any library is imported: OpenMP (LightGBM, scikit-learn,
    # XGBoost) and the BLAS under numpy/scipy (scikit-learn's GLM).
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    if a.omp_passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    cmd = ["taskset", "-c", cpu_list, sys.executable, os.path.abspath(__file__), "--worker", tool,
           "--case", json.dumps(case), "--result", out, "--mlctl", a.mlctl, "--mlctl-home", home,
           "--memory-gb", str(a.memory_gb), "--gomaxprocs-per-node", str(a.gomaxprocs_per_node)]
    mem = TreeMemory()
    t0 = time.time()
    err, ru, code = None, None, None
    with open(log, "w") as lf:
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env)
        while code is None:
            # wait4 on any child: the worker, or a re-parented orphan to reap.
            pid, status, r = os.wait4(-1, os.WNOHANG)
            if pid == p.pid:
                code, ru = os.waitstatus_to_exitcode(status), r
                p.returncode = code
                break
            if pid != 0:
                continue
            mem.sample()
            if time.time() - t0 > a.timeout:
                err = "timed out after %d s" % a.timeout
                _stop_leftovers(mem, a.mlctl, home)
                code = p.wait()
                break
            time.sleep(0.1)
    mem.sample()
    res = {}
    if os.path.exists(out):
        with open(out) as f:
            res = json.load(f)
    if err is None and "error" not in res and code != 0:
        err = "worker exit %d" % code
    if err is not None or "error" in res:
        with open(log) as lf:
            res["log_tail"] = lf.read().strip()[-3000:]
        res["error"] = err or res["error"]
    # Anything still running after the worker ended (it should have stopped
    # its cluster or JVM) is ended now, by PID.
    left = mem.descendants()
    if left:
        res["left_running"] = [c for _, c in left]
        _stop_leftovers(mem, a.mlctl, home)
    reap_orphans()
    shutil.rmtree(home, ignore_errors=True)
    res["wall_seconds"] = time.time() - t0
    res["memory"] = {
        "peak_bytes": mem.peak[0],
        "peak_processes": {str(k): {"comm": c, "rss_bytes": b} for k, (c, b) in mem.peak[2].items()},
        "samples": len(mem.samples),
        # wait4's rusage of the worker: the largest single process among the
        # worker and the descendants it waited for itself (a maximum, not a
        # sum; mlctl's detached nodes are not among them).
        "wait4_maxrss_bytes": ru.ru_maxrss * 1024 if ru is not None else None,
    }
    for name, span in (res.get("phases") or {}).items():
        res["memory"]["peak_bytes_" + name] = mem.peak_between(span["start"], span["end"])
    return res


def _cpus(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.extend(range(int(lo), int(hi) + 1))
        elif part:
            out.append(int(part))
    return out


def short_error(err):
    """One line for the table. For a failed command, the line of its stderr
    that states the error (mlctl prints "mlctl: ..." after its progress
    lines), else its first line; otherwise the error's last line."""
    import re
    m = re.search(r"exit (-?\d+): (.*)", err, re.S)
    if m:
        lines = [ln.strip() for ln in m.group(2).splitlines() if ln.strip()]
        pick = next((ln for ln in lines if ln.startswith("mlctl:") or "rror" in ln), lines[0] if lines else "")
        return "exit %s: %s" % (m.group(1), pick)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "failed"


def _fmt(v, spec):
    return spec % v if isinstance(v, (int, float)) else "n/a"


def markdown(res):
    out = []
    for cname, case in res["cases"].items():
        rows = [r for r in res["results"] if r["case"] == cname]
        if not rows:
            continue
        if case["algo"] == "gbm":
            what = "GBM, %d trees, depth %d, learn rate %g" % (case["ntrees"], case["max_depth"], case["learn_rate"])
        else:
            what = "GLM, %s, lambda %g" % (case["family"], case["lambda"])
        out += ["### %s: %s (%s train / %s valid rows, %d columns)" % (
                    what, case["label"], format(case["train_rows"], ","), format(case["valid_rows"], ","),
                    case["columns"]),
                "",
                "| tool | fit s | fit / mlctl 1 node | fit wall s (client) | load s | peak MB | peak MB in fit | valid AUC |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        base = next((r.get("fit_seconds") for r in rows if r["worker"] == BASELINE and "error" not in r), None)
        for r in rows:
            m = r.get("memory", {})
            peak = m.get("peak_bytes")
            peak_fit = m.get("peak_bytes_fit")
            cells = [r["tool"]]
            if "error" in r:
                cells += ["failed: %s" % short_error(r["error"])[:160].replace("|", "/"), "", "",
                          _fmt(r.get("load_seconds"), "%.2f"), _fmt(peak and peak / 1e6, "%.0f"), "", ""]
            else:
                fit = r.get("fit_seconds")
                ratio = "%.2f" % (fit / base) if base and fit is not None else "n/a"
                cells += [_fmt(fit, "%.2f"), ratio, _fmt(r.get("fit_wall_seconds"), "%.2f"),
                          _fmt(r.get("load_seconds"), "%.2f"), _fmt(peak and peak / 1e6, "%.0f"),
                          _fmt(peak_fit and peak_fit / 1e6, "%.0f"),
                          _fmt((r.get("metrics") or {}).get("auc"), "%.4f")]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    out.append("fit s: the tool's own training time (mlctl: training_time_ms; H2O-3: the model's run_time; the "
               "Python libraries: wall time of fit(), binning included); load s: CSV to trainable data "
               "(train + valid); peak MB: the largest sum of the resident memory of the worker's whole process "
               "tree (engine nodes and JVM included), polled every 100 ms, over the whole run / during the "
               "fit. One run each, pinned with taskset -c %s. mlctl 2 nodes share those cores (GOMAXPROCS=%s "
               "per node). OpenMP wait policy: %s. Load average before/after: %s." % (
                   res["cpus"], res["gomaxprocs_per_node"] or "unset", res["omp_wait_policy"],
                   res.get("load", "n/a")))
    out.append("Machine: %s, nproc %d. Raw numbers: %s" % (
        res["machine"]["cpu_model"], res["machine"]["nproc"], res.get("json_path", "")))
    return "\n".join(out)


def parent(a):
    mlctl = shutil.which(a.mlctl) or os.path.abspath(a.mlctl)
    a.mlctl = mlctl
    if shutil.which("taskset") is None:
        sys.exit("train_bench: taskset not found (util-linux)")
    cpus = _cpus(a.cpus)
    avail = os.sched_getaffinity(0)
    if not cpus or any(c not in avail for c in cpus):
        sys.exit("train_bench: cannot pin to CPUs %s; this process may use %s" % (a.cpus, sorted(avail)))
    cpu_list = ",".join(str(c) for c in cpus)
    become_subreaper()
    tools = a.tools.split(",") if a.tools else list(TOOLS)
    for t in tools:
        if t not in TOOLS:
            sys.exit("train_bench: unknown tool %r (known: %s)" % (t, ", ".join(TOOLS)))
    names = a.cases.split(",") if a.cases else list(CASES)
    for n in names:
        if n not in CASES:
            sys.exit("train_bench: unknown case %r (known: %s)" % (n, ", ".join(CASES)))
    files = {"airline": a.airline, "airline_small": a.airline_small, "higgs": a.higgs, "route": a.route}
    res = {"command": [sys.executable] + sys.argv, "machine": machine_info(), "cpus": cpu_list,
           "gomaxprocs_per_node": a.gomaxprocs_per_node, "memory_gb": a.memory_gb,
           "omp_wait_policy": "PASSIVE" if a.omp_passive else "library default (active spinning)",
           "split": {"seed": SPLIT_SEED, "train_fraction": TRAIN_FRACTION,
                     "how": "each data row to train with probability 0.8, random.Random(seed) in file order"},
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "cases": {}, "results": [], "versions": {}}
    for n in names:
        src = files[CASES[n]["data"]]
        if not src:
            print("train_bench: skipping %s (no --%s)" % (n, CASES[n]["data"].replace("_", "-")), file=sys.stderr)
            continue
        src = os.path.abspath(src)
        if not os.path.isfile(src):
            sys.exit("train_bench: no such CSV: %s" % src)
        print("train_bench: splitting %s" % src, file=sys.stderr, flush=True)
        tr, va = split_csv(src)
        with open(tr) as f:
            ncol = len(f.readline().split(","))
        res["cases"][n] = dict(CASES[n], name=n, csv=src, train_csv=tr, valid_csv=va,
                               label=os.path.splitext(os.path.basename(src))[0],
                               train_rows=count_rows(tr), valid_rows=count_rows(va), columns=ncol)
    if not res["cases"]:
        sys.exit("train_bench: no case has its CSV (give --airline, --airline-small, --higgs or --route)")
    load_start = loadavg()
    tmp = tempfile.mkdtemp(prefix="train-bench-")
    try:
        for n, case in res["cases"].items():
            for t in tools:
                if case["algo"] not in TOOLS[t]:
                    continue
                if t.startswith("mlctl") and not os.access(mlctl, os.X_OK):
                    r = {"error": "mlctl binary not found: %s (run make build)" % mlctl}
                else:
                    warm_cache(case["train_csv"])
                    warm_cache(case["valid_csv"])
                    print("train_bench: %s: %s ..." % (n, t), file=sys.stderr, flush=True)
                    lb = loadavg()
                    r = run_worker(a, t, case, cpu_list, tmp)
                    r["loadavg_before"], r["loadavg_after"] = lb, loadavg()
                r.update(worker=t, case=n, tool=tool_label(t, case["algo"]))
                if r.get("version"):
                    res["versions"][t] = r["version"]
                res["results"].append(r)
                if "error" in r:
                    print("train_bench:   failed: %s" % short_error(r["error"])[:300],
                          file=sys.stderr, flush=True)
                else:
                    print("train_bench:   fit %.2f s, load %.2f s, peak %.0f MB, AUC %.4f" % (
                        r["fit_seconds"], r.get("load_seconds") or 0, r["memory"]["peak_bytes"] / 1e6,
                        r["metrics"]["auc"]), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["versions"]["java"] = res["machine"]["java"]
    res["load"] = "%s / %s" % (load_start, loadavg())
    json_path = os.path.abspath(a.json or "train-bench.json")
    res["json_path"] = json_path
    md = markdown(res)
    res["markdown"] = md
    with open(json_path, "w") as f:
        json.dump(res, f, indent=2, default=str)
    with open(os.path.splitext(json_path)[0] + ".md", "w") as f:
        f.write(md + "\n")
    print(md)
    return 1 if a.strict and any("error" in r for r in res["results"]) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--airline", help="AirlineTrain CSV (cases gbm-airline, glm-airline)")
    ap.add_argument("--airline-small", help="a smaller AirlineTrain CSV (case gbm-airline-small)")
    ap.add_argument("--higgs", help="Higgs CSV (case gbm-higgs)")
    ap.add_argument("--route", help="AirlineTrainWithRoute CSV (case glm-route)")
    ap.add_argument("--cases", help="comma-separated subset of: " + ", ".join(CASES))
    ap.add_argument("--tools", help="comma-separated subset of: " + ", ".join(TOOLS))
    ap.add_argument("--cpus", default="0-1", help="CPU list for taskset -c (default 0-1)")
    ap.add_argument("--mlctl", default="bin/mlctl", help="path to the mlctl binary")
    ap.add_argument("--memory-gb", type=int, default=8,
                    help="memory for H2O's JVM and for mlctl (split across its nodes); default 8")
    ap.add_argument("--gomaxprocs-per-node", type=int, default=1,
                    help="GOMAXPROCS of each node in the 2-node mlctl run (0: leave unset); default 1")
    ap.add_argument("--omp-passive", action="store_true",
                    help="OMP_WAIT_POLICY=PASSIVE for the workers (see README: busy machines)")
    ap.add_argument("--json", help="where to write the raw numbers (and the table as .md beside it)")
    ap.add_argument("--timeout", type=int, default=7200, help="seconds allowed per tool and case")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any tool failed")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--mlctl-home", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        return worker(a)
    return parent(a)


if __name__ == "__main__":
    sys.exit(main())
