#!/usr/bin/env python3
"""Side-by-side scoring benchmark: mlctl's Go scoring package against LightGBM,
XGBoost, lleaves and treelite (tl2cgen).

One run trains the models once (untimed), then scores the same rows with
every tool, one tool after another, each in its own worker process pinned
with `taskset -c CPUS` (default 0-1). The models are GBMs of 100 trees of
depth 6 for the binary target IsDelayed of the airline-like CSV
(bench/gen.AirlineTrain), trained on all of its rows; the same rows are then
scored. Two encodings of the six string columns (--encodings):

    cat  pandas category columns (levels sorted), LightGBM's and XGBoost's
         native categorical splits
    int  the same category codes given as plain numbers (numeric splits only)

Every tool scores the same float64 matrix: the codes of the category columns
(0.. in sorted level order, as pandas assigns them and as LightGBM's
pandas_categorical maps them), DepTime with NaN for its empty fields, and
Distance. It is built once, written as .npy for the Python workers and as a
numeric CSV for the Go command (bench/cmd/score-bench), before anything is
timed.

    tool            model          batch call (timed)                single row (timed per call)
    mlctl           LightGBM's     (*GBM).PredictBatch / PredictParallel(m, cols, out, 2)   (*GBM).Predict
    mlctl-xgboost   XGBoost's      the same, scoring/xgboost.Read    the same
    mlctl-native    mlctl's own    the same, from `mlctl model export` (optional)
    lightgbm        LightGBM's     Booster.predict(X, num_threads=t) Booster.predict(row)
    xgboost         XGBoost's      Booster.inplace_predict(X), nthread t   inplace_predict(row)
    lleaves         LightGBM's     Model.predict(X, n_jobs=t)        Model.predict(row, n_jobs=1)
    treelite        LightGBM's     tl2cgen Predictor(nthread=t).predict(DMatrix)   DMatrix(row) + predict

For each thread count (1 and 2): one untimed warm-up call, then --reps timed
calls (default 3); the table shows the best as ns per tree-row (wall time /
(rows x trees)). Single-row latency: --single calls (default 10,000) on the
first rows, one row per call, each timed on its own, on one thread. Every
tool's batch predictions are compared with its model's own library: the
LightGBM model's tools with Booster.predict, the XGBoost model's with
XGBoost's DMatrix predict.

    bench/peers/.venv/bin/python bench/peers/score_bench.py \\
        --csv /tmp/mlctl-peers/airline-train-1M.csv --go-bench /tmp/score-bench \\
        --json /tmp/mlctl-peers/score-bench-1M.json

See README.md beside this file for what each number counts.
"""

import argparse
import gc
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_bench import _run, loadavg, machine_info  # noqa: E402
from train_bench import _cpus, become_subreaper, reap_orphans, short_error  # noqa: E402

TARGET = "IsDelayed"
NTREES = 100
MAX_DEPTH = 6
LEARN_RATE = 0.1
ENCODINGS = ("cat", "int")

# Tools in table order: the model each scores ("lightgbm", "xgboost" or
# "mlctl") and its label.
TOOLS = {
    "mlctl": ("lightgbm", "mlctl scoring (Go), LightGBM model imported"),
    "lightgbm": ("lightgbm", "LightGBM Booster.predict"),
    "lleaves": ("lightgbm", "lleaves (LLVM-compiled)"),
    "treelite": ("lightgbm", "treelite + tl2cgen (C, gcc)"),
    "xgboost": ("xgboost", "XGBoost inplace_predict"),
    "mlctl-xgboost": ("xgboost", "mlctl scoring (Go), XGBoost model imported"),
    "mlctl-native": ("mlctl", "mlctl scoring (Go), mlctl's own GBM"),
}
DEFAULT_TOOLS = [t for t in TOOLS if t != "mlctl-native"]


def lgb_params(threads):
    return dict(n_estimators=NTREES, max_depth=MAX_DEPTH, num_leaves=2 ** MAX_DEPTH, learning_rate=LEARN_RATE,
                max_bin=255, n_jobs=threads, random_state=1, verbose=-1)


def xgb_params(threads, cat):
    return dict(n_estimators=NTREES, max_depth=MAX_DEPTH, learning_rate=LEARN_RATE, tree_method="hist",
                max_bin=255, n_jobs=threads, enable_categorical=cat, random_state=1)


# ---------------------------------------------------------------------------
# The data: one float64 matrix for every tool.
# ---------------------------------------------------------------------------


def read_frame(csv):
    """The CSV as a pandas frame with the string columns as categories (levels
    sorted), the target and the names of the category columns."""
    import pandas as pd
    df = pd.read_csv(csv)
    y = df.pop(TARGET).to_numpy()
    cats = []
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c]) or pd.api.types.is_object_dtype(df[c]):
            df[c] = df[c].astype(pd.CategoricalDtype(sorted(df[c].dropna().unique())))
            cats.append(c)
    return df, y, cats


def codes_matrix(df, cats):
    import numpy as np
    cols = []
    for c in df.columns:
        if c in cats:
            v = df[c].cat.codes.to_numpy().astype("float64")
            v[v < 0] = np.nan
        else:
            v = df[c].to_numpy(dtype="float64")
        cols.append(v)
    return np.ascontiguousarray(np.column_stack(cols))


def prepare_data(csv, work, label):
    """Writes score-X-LABEL.npy (rows x features, float64), .csv (the same
    numbers, header = column names; NaN empty) and -levels.json (each category
    column's levels by code) into work, unless they are newer than csv."""
    import numpy as np
    stem = os.path.join(work, "score-X-%s" % label)
    paths = {"npy": stem + ".npy", "csv": stem + ".csv", "levels": stem + "-levels.json",
             "columns": stem + "-columns.json", "y": os.path.join(work, "score-y-%s.npy" % label)}
    if all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(csv) for p in paths.values()):
        return paths
    df, y, cats = read_frame(csv)
    X = codes_matrix(df, cats)
    np.save(paths["y"], y.astype("float64"))
    for k in ("npy", "csv"):
        tmp = paths[k] + ".tmp"
        if k == "npy":
            with open(tmp, "wb") as f:
                np.save(f, X)
        else:
            # repr of each float64 reads back as the same float64 in Go.
            with open(tmp, "w") as f:
                f.write(",".join(df.columns) + "\n")
                for row in X.tolist():
                    f.write(",".join("" if v != v else repr(v) for v in row) + "\n")
        os.replace(tmp, paths[k])
    with open(paths["levels"], "w") as f:
        json.dump({c: [str(v) for v in df[c].cat.categories] for c in cats}, f)
    with open(paths["columns"], "w") as f:
        json.dump({"columns": list(df.columns), "categorical": cats}, f)
    return paths


# ---------------------------------------------------------------------------
# Workers. "train" fits the models; every other worker times one tool.
# ---------------------------------------------------------------------------


def _version(dist):
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def work_train(a, job, res):
    """Fits LightGBM and XGBoost on every encoding, saves the models and
    their libraries' own predictions (the references)."""
    import lightgbm as lgb
    import numpy as np
    import xgboost as xgb
    df, y, cats = read_frame(job["csv"])
    X = np.load(job["npy"])
    res["versions"] = {"lightgbm": lgb.__version__, "xgboost": xgb.__version__, "numpy": np.__version__}
    res["models"] = {}
    for enc in job["encodings"]:
        m = {}
        if enc == "cat":
            Xfit, feat = df, cats
        else:
            import pandas as pd
            Xfit, feat = pd.DataFrame(X, columns=df.columns), []
        t0 = time.perf_counter()
        clf = lgb.LGBMClassifier(**lgb_params(a.threads))
        clf.fit(Xfit, y, categorical_feature=feat or "auto")
        m["lightgbm_fit_seconds"] = time.perf_counter() - t0
        path = job["models"][enc]["lightgbm"]
        clf.booster_.save_model(path)
        b = lgb.Booster(model_file=path)
        ref = b.predict(X)
        # The same booster on the category frame, as a pandas user calls it:
        # the codes in X must mean the same categories.
        m["lightgbm_frame_vs_codes_max_abs_diff"] = float(np.abs(b.predict(Xfit) - ref).max())
        np.save(job["models"][enc]["lightgbm_ref"], ref)
        m["lightgbm_params"] = dict(lgb_params(a.threads), categorical_feature=feat)
        dump = b.dump_model()
        leaves = [t["num_leaves"] for t in dump["tree_info"]]
        m["lightgbm_trees"] = len(leaves)
        m["lightgbm_leaves_mean"] = statistics.mean(leaves)

        t0 = time.perf_counter()
        xc = xgb.XGBClassifier(**xgb_params(a.threads, enc == "cat"))
        xc.fit(Xfit, y)
        m["xgboost_fit_seconds"] = time.perf_counter() - t0
        path = job["models"][enc]["xgboost"]
        xc.get_booster().save_model(path)
        xb = xgb.Booster(model_file=path)
        xref = xb.predict(xgb.DMatrix(Xfit, enable_categorical=enc == "cat"))
        np.save(job["models"][enc]["xgboost_ref"], xref.astype("float64"))
        m["xgboost_params"] = xgb_params(a.threads, enc == "cat")
        m["xgboost_trees"] = xb.num_boosted_rounds()
        res["models"][enc] = m
    if job.get("mlctl_native"):
        res["mlctl_native"] = train_mlctl(a, job)


def train_mlctl(a, job):
    """Trains mlctl's own GBM of the same size on a one-node local cluster and
    exports it as an artifact."""
    home = a.mlctl_home
    env = dict(os.environ, MLCTL_HOME=home, NO_COLOR="1")
    name = "scorebench"
    out = {"version": _run([a.mlctl, "version"], env).strip()}
    launched = False
    try:
        _run([a.mlctl, "cluster", "launch", name, "--nodes", "1", "--memory", "4096m",
              "--vcores", str(a.threads), "--wait", "--output", "json"], env)
        launched = True
        _run([a.mlctl, "frame", "import", "--cluster", name, job["csv"], "--name", "scoreframe",
              "--output", "json"], env)
        cmd = [a.mlctl, "train", "gbm", "--cluster", name, "--frame", "scoreframe", "--target", TARGET,
               "--ntrees", str(NTREES), "--max-depth", str(MAX_DEPTH), "--learn-rate", str(LEARN_RATE),
               "--seed", "1", "--wait", "--output", "json"]
        t0 = time.perf_counter()
        model = json.loads(_run(cmd, env))
        out["fit_wall_seconds"] = time.perf_counter() - t0
        out["command"] = cmd[1:]
        mid = model.get("model_id") or model.get("id")
        if not mid:
            raise RuntimeError("no model_id in `mlctl train` output")
        out["model_id"] = mid
        out["training_time_ms"] = model.get("training_time_ms")
        _run([a.mlctl, "model", "export", "--cluster", name, mid, "-o", job["models"]["mlctl"]], env)
    finally:
        if launched or os.path.isdir(os.path.join(home, "clusters", name)):
            for verb in ("stop", "delete"):
                subprocess.run([a.mlctl, "cluster", verb, name], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return out


def _batch(res, threads, call, reps):
    """Times call(t) for each thread count: one warm-up, then reps runs.
    Returns the warm-up's output of the first thread count."""
    first = None
    res["batch"] = []
    for t in threads:
        p = call(t)
        if first is None:
            first = p
        secs = []
        for _ in range(reps):
            gc.collect()
            t0 = time.perf_counter()
            call(t)
            secs.append(time.perf_counter() - t0)
        res["batch"].append({"workers": t, "seconds": secs, "best_seconds": min(secs)})
    return first


def _single(res, rows, call):
    """Times call(row) once per prepared row, after a warm-up."""
    import numpy as np
    for r in rows[:1000]:
        call(r)
    ns = np.empty(len(rows))
    clock = time.perf_counter_ns
    gc.collect()
    gc.disable()
    try:
        for i, r in enumerate(rows):
            t0 = clock()
            call(r)
            ns[i] = clock() - t0
    finally:
        gc.enable()
    s = np.sort(ns)
    q = lambda p: float(s[min(max(int(np.ceil(p * len(s))) - 1, 0), len(s) - 1)])  # nearest rank
    res["single"] = {"calls": len(rows), "p50_ns": q(0.50), "p99_ns": q(0.99), "mean_ns": float(ns.mean()),
                     "max_ns": float(s[-1])}


def _rows(X, n):
    import numpy as np
    return [np.ascontiguousarray(X[i:i + 1]) for i in range(min(n, len(X)))]


def work_lightgbm(a, job, res):
    import lightgbm as lgb
    import numpy as np
    res["version"] = "lightgbm %s" % lgb.__version__
    X = np.load(job["npy"])
    b = lgb.Booster(model_file=job["model"])
    p = _batch(res, a.thread_list, lambda t: b.predict(X, num_threads=t), a.reps)
    _single(res, _rows(X, a.single), lambda r: b.predict(r, num_threads=1))
    return p


def work_xgboost(a, job, res):
    import numpy as np
    import xgboost as xgb
    res["version"] = "xgboost %s" % xgb.__version__
    X = np.load(job["npy"])
    b = xgb.Booster(model_file=job["model"])

    def call(t):
        b.set_param({"nthread": t})
        return b.inplace_predict(X)
    p = _batch(res, a.thread_list, call, a.reps)
    b.set_param({"nthread": 1})
    _single(res, _rows(X, a.single), lambda r: b.inplace_predict(r))
    return p


def work_lleaves(a, job, res, tmp):
    import lleaves
    import llvmlite
    import numpy as np
    res["version"] = "lleaves %s (llvmlite %s)" % (_version("lleaves"), llvmlite.__version__)
    X = np.load(job["npy"])
    m = lleaves.Model(model_file=job["model"])
    cache = os.path.join(tmp, "lleaves-model.so")  # fresh: compile() would load an existing cache
    t0 = time.perf_counter()
    m.compile(cache=cache)
    res["compile_seconds"] = time.perf_counter() - t0
    res["compile"] = "lleaves.Model(model_file).compile() with its defaults"
    p = _batch(res, a.thread_list, lambda t: m.predict(X, n_jobs=t), a.reps)
    _single(res, _rows(X, a.single), lambda r: m.predict(r, n_jobs=1))
    return p


def work_treelite(a, job, res, tmp):
    import numpy as np
    import tl2cgen
    import treelite
    res["version"] = "treelite %s, tl2cgen %s" % (treelite.__version__, tl2cgen.__version__)
    X = np.load(job["npy"])
    lib = os.path.join(tmp, "tl2cgen-model.so")
    t0 = time.perf_counter()
    tm = treelite.frontend.load_lightgbm_model(job["model"])
    params = {"parallel_comp": a.threads}
    tl2cgen.export_lib(tm, toolchain="gcc", libpath=lib, params=params, nthread=a.threads)
    res["compile_seconds"] = time.perf_counter() - t0
    res["compile"] = ("treelite.frontend.load_lightgbm_model + tl2cgen.export_lib(toolchain='gcc', params=%s)"
                      % json.dumps(params))
    res["gcc"] = _run(["gcc", "--version"], os.environ).splitlines()[0]
    dm = tl2cgen.DMatrix(X, dtype="float64")
    preds = {}

    def call(t):
        if t not in preds:
            preds[t] = tl2cgen.Predictor(lib, nthread=t)
        return preds[t].predict(dm).reshape(-1)
    p = _batch(res, a.thread_list, call, a.reps)
    one = preds.get(1) or tl2cgen.Predictor(lib, nthread=1)
    _single(res, _rows(X, a.single), lambda r: one.predict(tl2cgen.DMatrix(r, dtype="float64")))
    return p


def work_go(a, job, res, tmp):
    """Runs bench/cmd/score-bench (inherits this worker's affinity)."""
    import numpy as np
    fmt = {"lightgbm": "lightgbm", "xgboost": "xgboost", "mlctl": "mlz"}[job["model_kind"]]
    pred = os.path.join(tmp, "go-pred.f64")
    cmd = [a.go_bench, "-model", job["model"], "-format", fmt, "-x", job["csv_numeric"],
           "-threads", ",".join(str(t) for t in a.thread_list), "-reps", str(a.reps),
           "-single", str(a.single), "-pred-out", pred]
    if fmt == "mlz":
        cmd += ["-levels", job["levels"]]
    res["command"] = cmd
    out = json.loads(_run(cmd, os.environ))
    res["go"] = out
    res["version"] = "mlctl scoring (%s)" % out["go_version"]
    res["batch"] = [{"workers": b["workers"], "seconds": b["seconds"], "best_seconds": b["best_seconds"]}
                    for b in out["batch"]]
    res["single"] = out.get("single")
    res["import_seconds"] = out["import_seconds"]
    res["plan_seconds"] = out["plan_seconds"]
    return np.fromfile(pred, dtype="<f8")


def worker(a):
    import numpy as np
    a.threads = len(os.sched_getaffinity(0))
    a.thread_list = [int(t) for t in a.thread_counts.split(",")]
    job = json.loads(a.job)
    res = {"worker": a.worker, "affinity": sorted(os.sched_getaffinity(0)), "threads": a.threads}
    code = 0
    tmp = tempfile.mkdtemp(prefix="score-bench-w-")
    try:
        if a.worker == "train":
            work_train(a, job, res)
        else:
            fn = {"lightgbm": work_lightgbm, "xgboost": work_xgboost}.get(a.worker)
            if fn is not None:
                p = fn(a, job, res)
            elif a.worker == "lleaves":
                p = work_lleaves(a, job, res, tmp)
            elif a.worker == "treelite":
                p = work_treelite(a, job, res, tmp)
            else:
                p = work_go(a, job, res, tmp)
            np.save(job["pred_out"], np.asarray(p, dtype="float64").reshape(-1))
    except Exception as e:
        res["error"] = "%s: %s" % (type(e).__name__, e)
        res["traceback"] = traceback.format_exc()
        code = 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with open(a.result, "w") as f:
        json.dump(res, f, default=str)
    return code


# ---------------------------------------------------------------------------
# Parent: prepares the data, runs the workers, compares, reports.
# ---------------------------------------------------------------------------


def run_worker(a, name, job, cpu_list, tmp):
    out = os.path.join(tmp, "%s-%s.json" % (name, job.get("encoding", "all")))
    log = out[:-5] + ".log"
    threads = str(len(cpu_list.split(",")))
    env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    if a.omp_passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    cmd = ["taskset", "-c", cpu_list, sys.executable, os.path.abspath(__file__), "--worker", name,
           "--job", json.dumps(job), "--result", out, "--thread-counts", a.thread_counts,
           "--reps", str(a.reps), "--single", str(a.single), "--go-bench", a.go_bench, "--mlctl", a.mlctl,
           "--mlctl-home", job.get("mlctl_home", "")]
    t0 = time.time()
    err = None
    with open(log, "w") as lf:
        p = subprocess.Popen(cmd, stdout=lf, stderr=subprocess.STDOUT, env=env)
        try:
            code = p.wait(timeout=a.timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            code = p.wait()
            err = "timed out after %d s" % a.timeout
    reap_orphans()
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
    res["wall_seconds"] = time.time() - t0
    return res


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def summarise(r, rows, trees):
    """ns per tree-row and per row for each batch entry; the single-row
    numbers in microseconds."""
    for b in r.get("batch") or []:
        b["ns_per_tree_row"] = b["best_seconds"] * 1e9 / (rows * trees)
        b["ns_per_row"] = b["best_seconds"] * 1e9 / rows
    s = r.get("single")
    if s:
        s["p50_us"], s["p99_us"] = s["p50_ns"] / 1e3, s["p99_ns"] / 1e3


def roc_auc(y, p):
    """The area under the ROC curve (ties counted half), from the ranks."""
    import numpy as np
    from scipy.stats import rankdata
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0 or len(p) != len(y):
        return None
    return float((rankdata(p)[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _ns(r, workers):
    for b in r.get("batch") or []:
        if b["workers"] == workers:
            return b["ns_per_tree_row"]
    return None


def _f(v, spec):
    return spec % v if isinstance(v, (int, float)) else "n/a"


def markdown(res):
    out = []
    lleaves = {}
    for r in res["results"]:
        if r["worker"] == "lleaves" and "error" not in r:
            lleaves[r["encoding"]] = _ns(r, 2)
    for enc in res["encodings"]:
        rows = [r for r in res["results"] if r["encoding"] == enc]
        if not rows:
            continue
        what = {"cat": "category columns as native categorical splits",
                "int": "category columns as integer codes (numeric splits only)",
                "mlctl": "mlctl's own categoricals"}[enc]
        out += ["### Scoring: %s rows x %d trees of depth %d, %s" % (format(res["rows"], ","), NTREES, MAX_DEPTH, what),
                "",
                "| tool | ns/tree-row, 1 thread | ns/tree-row, 2 threads | 2 threads / lleaves | single row p50 µs | "
                "single row p99 µs | compile s | max abs diff (vs) | AUC |",
                "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
        for r in rows:
            if "error" in r:
                out.append("| %s | failed: %s | | | | | | | |" % (r["tool"], short_error(r["error"])[:160].replace("|", "/")))
                continue
            n1, n2 = _ns(r, 1), _ns(r, 2)
            ll = lleaves.get(enc)
            s = r.get("single") or {}
            comp = r.get("compile_seconds")
            if comp is None and r.get("import_seconds") is not None:
                comp = r["import_seconds"] + r.get("plan_seconds", 0)
            diff = r.get("max_abs_diff")
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["tool"], _f(n1, "%.1f"), _f(n2, "%.1f"),
                _f(n2 / ll if (n2 and ll) else None, "%.2fx"),
                _f(s.get("p50_us"), "%.1f"), _f(s.get("p99_us"), "%.1f"), _f(comp, "%.2f"),
                "%s (%s)" % (_f(diff, "%.1e"), r.get("reference", "")) if diff is not None else "n/a",
                _f(r.get("train_auc"), "%.4f")))
        out.append("")
    out.append("Best of %d timed runs after a warm-up; ns/tree-row = wall time / (rows x trees). Single row: %s calls "
               "timed one by one on 1 thread. Compile s: lleaves' compile(), treelite load + tl2cgen export_lib "
               "(gcc); for mlctl the import plus its batch plan (the first PredictBatch call, on one row). AUC: of the scored (training) rows, a check that "
               "the models learnt the same thing. "
               "Pinned with taskset -c %s; OMP_WAIT_POLICY %s. Load average before/after: %s." % (
                   res["reps"], format(res["single"], ","), res["cpus"], res["omp_wait_policy"], res["load"]))
    out.append("Machine: %s, nproc %d. Raw numbers: %s" % (res["machine"]["cpu_model"], res["machine"]["nproc"],
                                                          res.get("json_path", "")))
    return "\n".join(out)


def parent(a):
    import numpy as np
    csv = os.path.abspath(a.csv)
    if not os.path.isfile(csv):
        sys.exit("score_bench: no such CSV: %s" % csv)
    if shutil.which("taskset") is None:
        sys.exit("score_bench: taskset not found (util-linux)")
    cpus = _cpus(a.cpus)
    avail = os.sched_getaffinity(0)
    if not cpus or any(c not in avail for c in cpus):
        sys.exit("score_bench: cannot pin to CPUs %s; this process may use %s" % (a.cpus, sorted(avail)))
    cpu_list = ",".join(str(c) for c in cpus)
    tools = a.tools.split(",") if a.tools else list(DEFAULT_TOOLS)
    for t in tools:
        if t not in TOOLS:
            sys.exit("score_bench: unknown tool %r (known: %s)" % (t, ", ".join(TOOLS)))
    encodings = a.encodings.split(",")
    for e in encodings:
        if e not in ENCODINGS:
            sys.exit("score_bench: unknown encoding %r (known: %s)" % (e, ", ".join(ENCODINGS)))
    a.go_bench = os.path.abspath(a.go_bench)
    if any(t.startswith("mlctl") for t in tools) and not os.access(a.go_bench, os.X_OK):
        sys.exit("score_bench: --go-bench %s is not an executable (go build ./bench/cmd/score-bench)" % a.go_bench)
    a.mlctl = shutil.which(a.mlctl) or os.path.abspath(a.mlctl)
    if "mlctl-native" in tools and not os.access(a.mlctl, os.X_OK):
        sys.exit("score_bench: mlctl binary not found: %s (run make build)" % a.mlctl)
    become_subreaper()
    work = os.path.abspath(a.work or os.path.dirname(csv))
    os.makedirs(work, exist_ok=True)
    label = os.path.splitext(os.path.basename(csv))[0].replace("airline-train-", "")
    print("score_bench: preparing the input matrix", file=sys.stderr, flush=True)
    data = prepare_data(csv, work, label)
    X = np.load(data["npy"], mmap_mode="r")
    rows = X.shape[0]
    res = {"command": [sys.executable] + sys.argv, "machine": machine_info(), "cpus": cpu_list,
           "omp_wait_policy": "PASSIVE" if a.omp_passive else "library default (active spinning)",
           "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "csv": csv, "rows": rows, "features": X.shape[1],
           "trees": NTREES, "max_depth": MAX_DEPTH, "learn_rate": LEARN_RATE, "reps": a.reps,
           "single": a.single, "thread_counts": a.thread_counts, "encodings": list(encodings), "data": data,
           "results": [], "versions": {}}
    with open(data["columns"]) as f:
        res["columns"] = json.load(f)
    del X
    mdir = os.path.join(work, "score-models-%s" % label)
    os.makedirs(mdir, exist_ok=True)
    models = {e: {k: os.path.join(mdir, "%s-%s.%s" % (k, e, ext)) for k, ext in
                  (("lightgbm", "txt"), ("xgboost", "json"), ("lightgbm_ref", "npy"), ("xgboost_ref", "npy"))}
              for e in encodings}
    models["mlctl"] = os.path.join(mdir, "mlctl-gbm.mlz")
    native = "mlctl-native" in tools
    if native:
        res["encodings"].append("mlctl")
    load_start = loadavg()
    tmp = tempfile.mkdtemp(prefix="score-bench-")
    home = tempfile.mkdtemp(prefix="mlctl-score-home-")
    try:
        print("score_bench: training the models (untimed for the benchmark)", file=sys.stderr, flush=True)
        job = {"csv": csv, "npy": data["npy"], "encodings": encodings, "models": models,
               "mlctl_native": native, "mlctl_home": home}
        tr = run_worker(a, "train", job, cpu_list, tmp)
        res["training"] = tr
        if "error" in tr:
            print(tr.get("log_tail", ""), file=sys.stderr)
            sys.exit("score_bench: training failed: %s" % short_error(tr["error"]))
        res["versions"].update(tr.get("versions", {}))
        if native and (tr.get("mlctl_native") or {}).get("version"):
            res["versions"]["mlctl-cli"] = tr["mlctl_native"]["version"]
        for e in encodings:
            for k in ("lightgbm", "xgboost"):
                res.setdefault("model_files", {})["%s-%s" % (k, e)] = {"path": models[e][k],
                                                                      "sha256": _sha(models[e][k])}
        for enc in res["encodings"]:
            for t in tools:
                kind, lab = TOOLS[t]
                if (enc == "mlctl") != (kind == "mlctl"):
                    continue
                if enc == "mlctl":
                    model, ref, refname = models["mlctl"], None, None
                else:
                    model = models[enc][kind]
                    ref = models[enc][kind + "_ref"]
                    refname = "LightGBM predict" if kind == "lightgbm" else "XGBoost predict"
                job = {"encoding": enc, "model": model, "model_kind": kind, "npy": data["npy"],
                       "csv_numeric": data["csv"], "levels": data["levels"],
                       "pred_out": os.path.join(tmp, "pred-%s-%s.npy" % (t, enc))}
                print("score_bench: %s: %s ..." % (enc, t), file=sys.stderr, flush=True)
                lb = loadavg()
                r = run_worker(a, t, job, cpu_list, tmp)
                r["loadavg_before"], r["loadavg_after"] = lb, loadavg()
                r.update(worker=t, encoding=enc, tool=lab, model_file=model)
                if "error" not in r:
                    summarise(r, rows, NTREES)
                    # A sanity check that every model learnt the same thing
                    # (the rows scored are the training rows).
                    r["train_auc"] = roc_auc(np.load(data["y"]), np.load(job["pred_out"]))
                    if ref is not None:
                        p, q = np.load(job["pred_out"]), np.load(ref)
                        r["max_abs_diff"] = float(np.abs(p - q).max()) if p.shape == q.shape else None
                        r["reference"] = refname
                        if p.shape != q.shape:
                            r["error"] = "predictions of shape %s, the reference has %s" % (p.shape, q.shape)
                    if r.get("version"):
                        res["versions"][t] = r["version"]
                res["results"].append(r)
                if "error" in r:
                    print("score_bench:   failed: %s" % short_error(r["error"])[:300], file=sys.stderr, flush=True)
                else:
                    s = r.get("single") or {}
                    print("score_bench:   %s ns/tree-row at 1 / 2 threads, single row p99 %s us, max |diff| %s" % (
                        " / ".join(_f(_ns(r, w), "%.1f") for w in (1, 2)), _f(s.get("p99_us"), "%.1f"),
                        _f(r.get("max_abs_diff"), "%.2e")), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    res["load"] = "%s / %s" % (load_start, loadavg())
    res["versions"]["gcc"] = _run(["gcc", "--version"], os.environ).splitlines()[0] if shutil.which("gcc") else None
    json_path = os.path.abspath(a.json or os.path.join(work, "score-bench-%s.json" % label))
    res["json_path"] = json_path
    md = markdown(res)
    res["markdown"] = md
    with open(json_path, "w") as f:
        json.dump(res, f, indent=2, default=str)
    with open(os.path.splitext(json_path)[0] + ".md", "w") as f:
        f.write(md + "\n")
    print(md)
    bad = [r for r in res["results"] if "error" in r]
    far = [r for r in res["results"] if r["worker"].startswith("mlctl") and (r.get("max_abs_diff") or 0) > 1e-6]
    for r in far:
        print("score_bench: %s (%s) disagrees with %s by %g (more than 1e-6)" % (
            r["tool"], r["encoding"], r.get("reference"), r["max_abs_diff"]), file=sys.stderr)
    return 1 if (a.strict and bad) or far else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", help="AirlineTrain CSV (go run ./bench/cmd/gen-airline-train)")
    ap.add_argument("--go-bench", default="score-bench", help="the built bench/cmd/score-bench binary")
    ap.add_argument("--mlctl", default="bin/mlctl", help="the mlctl binary (for the mlctl-native tool)")
    ap.add_argument("--work", help="where the input matrix and the models go (default: beside the CSV)")
    ap.add_argument("--tools", help="comma-separated subset of: %s (default: all but mlctl-native)" % ", ".join(TOOLS))
    ap.add_argument("--encodings", default=",".join(ENCODINGS), help="cat, int or both (default cat,int)")
    ap.add_argument("--cpus", default="0-1", help="CPU list for taskset -c (default 0-1)")
    ap.add_argument("--thread-counts", default="1,2", help="threads per batch call (default 1,2)")
    ap.add_argument("--reps", type=int, default=3, help="timed batch runs after the warm-up (default 3)")
    ap.add_argument("--single", type=int, default=10000, help="single-row calls to time (default 10000)")
    ap.add_argument("--omp-passive", action="store_true",
                    help="OMP_WAIT_POLICY=PASSIVE for the workers (see README: busy machines)")
    ap.add_argument("--json", help="where to write the raw numbers (and the table as .md beside it)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed per worker")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any tool failed")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--job", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--mlctl-home", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        return worker(a)
    if not a.csv:
        ap.error("--csv is required")
    return parent(a)


if __name__ == "__main__":
    sys.exit(main())
