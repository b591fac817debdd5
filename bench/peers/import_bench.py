#!/usr/bin/env python3
"""Side-by-side CSV import benchmark: mlctl against H2O-3, pandas, pyarrow, polars.

One run of this script measures every tool on the same CSV, on this machine,
at each core count asked for (--cores 1,2). For every (tool, cores) pair it
starts a worker (this same script with --worker) under `taskset -c 0..N-1`,
so the CPU affinity applies to everything the worker starts as well: mlctl's
CLI and engine nodes, H2O's JVM, and the thread pools of the Python
libraries. Thread counts are also passed explicitly where a tool takes one
(h2o.init(nthreads=N), pyarrow.set_cpu_count(N), POLARS_MAX_THREADS=N).

Inside a worker the untimed setup runs first (cluster launch, h2o.init,
library import), then the import is timed --reps times (default 3) and the
in-memory size of the result is read. The parent prints a Markdown table
(median and min seconds, MB/s at the median, in-memory bytes and their ratio
to the CSV's size) and writes a JSON file with every raw number, the tool
versions and the machine.

    bench/peers/.venv/bin/python bench/peers/import_bench.py \
        --csv /tmp/airline-1000000.csv --label airline-1M --cores 1,2 \
        --mlctl bin/mlctl --json /tmp/import-airline-1M.json

See README.md beside this file for what each number counts.
"""

import argparse
import gc
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# Tools in table order. Each is measured in its own worker process.
TOOLS = [
    "mlctl-1node",
    "mlctl-2nodes",
    "h2o",  # two rows: the stock client, and the same call with a 10 ms job poll
    "pandas-c",
    "pandas-pyarrow",
    "pyarrow",
    "polars",
]

# How a tool's rows are named when its worker fails before reporting.
TOOL_LABELS = {
    "mlctl-1node": "mlctl, 1 node (CLI)",
    "mlctl-2nodes": "mlctl, 2 nodes (CLI)",
    "h2o": "h2o-3 import_file",
    "pandas-c": "pandas.read_csv (C engine)",
    "pandas-pyarrow": "pandas.read_csv (pyarrow engine)",
    "pyarrow": "pyarrow.csv.read_csv",
    "polars": "polars.read_csv",
}

# Total memory given to the JVM and to the mlctl nodes (split across nodes).
MEMORY_GB = 4


# ---------------------------------------------------------------------------
# Workers: each measures one tool and writes a JSON result to --result.
# ---------------------------------------------------------------------------


def _timed(fn):
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _run(cmd, env, **kw):
    """Runs cmd and returns its stdout, raising with its stderr on failure."""
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()[-2000:]))
    return p.stdout


class MlctlREST:
    """A minimal client for the leader's REST API, from the cluster record
    (leader address, bearer token, CA certificate) that `cluster launch`
    writes under $MLCTL_HOME. Used to poll the import job every 10 ms and to
    read its own start and finish times."""

    def __init__(self, home, name):
        import http.client
        import ssl
        with open(os.path.join(home, "clusters", name, "record.json")) as f:
            rec = json.load(f)
        host, port = rec["leader"].rsplit(":", 1)
        ctx = ssl.create_default_context(cadata=rec["ca_cert"])
        self.conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=600)
        self.auth = {"Authorization": "Bearer " + rec["token"]}

    def call(self, method, path, body=None):
        headers = dict(self.auth)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status >= 300:
            raise RuntimeError("%s %s: %d %s" % (method, path, resp.status, raw[:500]))
        return json.loads(raw) if raw else None

    def import_frame(self, csv, frame):
        """Starts the import, polls its job every 10 ms, returns the job."""
        job = self.call("POST", "/api/v1/frames/import",
                        {"paths": [csv], "name": frame, "header": "auto"})
        while job["state"] not in ("done", "failed"):
            time.sleep(0.01)
            job = self.call("GET", "/api/v1/jobs/" + job["id"])
        if job["state"] != "done":
            raise RuntimeError("import job failed: %s" % job.get("error"))
        return job


def _go_time(s):
    """Parses Go's RFC 3339 time with nanoseconds into epoch seconds."""
    from datetime import datetime
    import re
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", s)
    frac = float(m.group(2) or 0)
    tz = "+00:00" if m.group(3) == "Z" else m.group(3)
    return datetime.fromisoformat(m.group(1) + tz).timestamp() + frac


def work_mlctl(a, nodes):
    home = tempfile.mkdtemp(prefix="mlctl-peers-home-")
    env = dict(os.environ, MLCTL_HOME=home, NO_COLOR="1")
    name = "peers%d" % nodes
    mem_per_node = "%dm" % (MEMORY_GB * 1024 // nodes)
    version = _run([a.mlctl, "version"], env).strip()
    variants = {"cli": [], "rest": []}
    try:
        t, _ = _timed(lambda: _run([a.mlctl, "cluster", "launch", name, "--nodes", str(nodes),
                                    "--memory", mem_per_node, "--wait", "-o", "json"], env))
        launch_s = t
        rest = MlctlREST(home, name)
        for i in range(a.reps):
            # Interleaved, like the two H2O variants.
            for variant in ("cli", "rest"):
                frame = "train_%s_%d" % (variant, i)
                server = None
                if variant == "cli":
                    t, _ = _timed(lambda: _run([a.mlctl, "frame", "import", "--cluster", name, a.csv,
                                                "--name", frame, "-o", "json"], env))
                else:
                    t, job = _timed(lambda: rest.import_frame(a.csv, frame))
                    server = _go_time(job["finished"]) - _go_time(job["started"])
                frames = json.loads(_run([a.mlctl, "frame", "list", "--cluster", name, "-o", "json"], env))
                fr = next(f for f in frames if f["name"] == frame)
                variants[variant].append({"seconds": t, "mem_bytes": fr["mem_bytes"], "rows": fr["rows"],
                                          "columns": fr["columns"], "chunks": fr.get("chunks"),
                                          "server_parse_seconds": server})
                _run([a.mlctl, "frame", "delete", "--cluster", name, frame], env)
    finally:
        subprocess.run([a.mlctl, "cluster", "delete", name], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(home, ignore_errors=True)
    label = "mlctl, %d node%s" % (nodes, "" if nodes == 1 else "s")
    common = {"launch_seconds": launch_s, "memory_per_node": mem_per_node,
              "how_mem": "mem_bytes of `mlctl frame list -o json`",
              "server_parse": "finished - started of the import job (GET /api/v1/jobs/{id})"}
    return [
        {"tool": label + " (CLI)", "version": version, "reps": variants["cli"],
         "setup": dict(common, how_time="wall time of the `mlctl frame import` CLI process")},
        {"tool": label + " (REST, 10 ms poll)", "version": version, "reps": variants["rest"],
         "setup": dict(common, how_time="wall time from POST /api/v1/frames/import to the job seen done, polled every 10 ms")},
    ]


def _free_port_pair():
    """A port p on 127.0.0.1 with p+1 free too (H2O uses both)."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p >= 65535:
            continue
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    raise RuntimeError("no free port pair on 127.0.0.1")


def work_h2o(a):
    import h2o
    from h2o.job import H2OJob

    stock_poll = H2OJob.poll

    def fast_poll(self, poll_updates=None):
        # The stock poll() drives a progress-bar model that asks the server at
        # most every 0.2 s (and waits for its own model to reach 100%); this
        # one asks every 10 ms and otherwise ends the same way.
        try:
            while True:
                self._refresh_job_status()  # raises StopIteration on FAILED/CANCELLED
                if self.status == "DONE":
                    break
                time.sleep(0.01)
        except StopIteration:
            pass
        if self.status != "DONE":
            raise EnvironmentError("Job %s ended %s: %s" % (self.job_key, self.status, self.exception))
        return self

    port = _free_port_pair()
    t0 = time.perf_counter()
    # bind_to_localhost makes the launcher pass -ip 127.0.0.1 -web_ip 127.0.0.1.
    h2o.init(ip="127.0.0.1", port=port, nthreads=a.cores_n, max_mem_size="%dg" % MEMORY_GB,
             enable_assertions=False, bind_to_localhost=True, strict_version_check=True)
    init_s = time.perf_counter() - t0
    h2o.no_progress()
    cl = h2o.cluster()
    info = {"h2o_python": h2o.__version__, "h2o_cluster": cl.version}
    try:
        st = h2o.api("GET /3/Cloud")
        info["allowed_cores"] = sum(n.get("cpus_allowed", 0) for n in st.get("nodes", []))
        info["nthreads"] = sum(n.get("nthreads", 0) for n in st.get("nodes", []))
    except Exception as e:  # informational only
        info["cloud_error"] = str(e)
    variants = {"stock": [], "fast": []}
    try:
        for i in range(a.reps):
            # Interleaved, so JIT warm-up favours neither variant.
            for variant in ("stock", "fast"):
                H2OJob.poll = stock_poll if variant == "stock" else fast_poll
                dest = "train_%s_%d" % (variant, i)
                t, fr = _timed(lambda: h2o.import_file(a.csv, destination_frame=dest))
                H2OJob.poll = stock_poll
                # FrameV3.byte_size: the sum of the frame's (compressed) chunk
                # sizes in the DKV, as the Flow UI's frame view shows it.
                js = h2o.api("GET /3/Frames/%s" % fr.frame_id, data={"row_count": 0, "column_count": 0})
                f = js["frames"][0]
                parse_ms = None
                for j in h2o.api("GET /3/Jobs")["jobs"]:
                    if (j.get("dest") or {}).get("name") == fr.frame_id and j.get("status") == "DONE":
                        parse_ms = j.get("msec")
                variants[variant].append({"seconds": t, "mem_bytes": f["byte_size"], "rows": f["rows"],
                                          "columns": f["total_column_count"],
                                          "server_parse_seconds": None if parse_ms is None else parse_ms / 1000.0})
                h2o.remove(fr)
    finally:
        try:
            h2o.cluster().shutdown()
        except Exception:
            pass
    ver = "h2o %s (python client %s)" % (info["h2o_cluster"], info["h2o_python"])
    common = {"init_seconds": init_s, "max_mem_size": "%dg" % MEMORY_GB, "nthreads": a.cores_n,
              "cloud": info,
              "how_mem": "byte_size of GET /3/Frames/{id} (sum of in-memory chunk sizes)",
              "server_parse": "msec of the parse job in GET /3/Jobs (server side, no client polling)"}
    return [
        {"tool": "h2o-3 import_file", "version": ver, "reps": variants["stock"],
         "setup": dict(common, how_time="wall time of h2o.import_file() with the stock client (job polled by its progress bar, hidden)")},
        {"tool": "h2o-3 import_file, 10 ms poll", "version": ver, "reps": variants["fast"],
         "setup": dict(common, how_time="wall time of h2o.import_file() with H2OJob.poll replaced by a 10 ms status loop")},
    ]


def _pyarrow_threads(n):
    import pyarrow as pa
    pa.set_cpu_count(n)
    pa.set_io_thread_count(n)
    return pa


def work_pandas(a, engine):
    import pandas as pd
    vers = "pandas %s" % pd.__version__
    if engine == "pyarrow":
        pa = _pyarrow_threads(a.cores_n)
        vers += ", pyarrow %s" % pa.__version__
    reps = []
    for _ in range(a.reps):
        t, df = _timed(lambda: pd.read_csv(a.csv, engine=engine))
        reps.append({"seconds": t, "mem_bytes": int(df.memory_usage(deep=True).sum()),
                     "rows": len(df), "columns": df.shape[1],
                     "dtypes": {c: str(d) for c, d in df.dtypes.items()}})
        del df
    return [{"tool": "pandas.read_csv (%s engine)" % ("C" if engine == "c" else engine),
             "version": vers, "reps": reps,
             "setup": {"how_mem": "df.memory_usage(deep=True).sum()",
                       "how_time": "wall time of pd.read_csv(path, engine=%r)" % engine}}]


def work_pyarrow(a):
    pa = _pyarrow_threads(a.cores_n)
    import pyarrow.csv as pacsv
    reps = []
    for _ in range(a.reps):
        t, tbl = _timed(lambda: pacsv.read_csv(a.csv))
        reps.append({"seconds": t, "mem_bytes": int(tbl.nbytes), "rows": tbl.num_rows,
                     "columns": tbl.num_columns,
                     "dtypes": {f.name: str(f.type) for f in tbl.schema}})
        del tbl
    return [{"tool": "pyarrow.csv.read_csv", "version": "pyarrow %s" % pa.__version__, "reps": reps,
             "setup": {"cpu_count": pa.cpu_count(), "how_mem": "table.nbytes",
                       "how_time": "wall time of pyarrow.csv.read_csv(path)"}}]


def work_polars(a):
    # Must be set before polars is imported: its thread pool is sized once.
    os.environ["POLARS_MAX_THREADS"] = str(a.cores_n)
    import polars as pl
    try:
        threads = pl.thread_pool_size()
    except AttributeError:
        threads = None
    reps = []
    for _ in range(a.reps):
        t, df = _timed(lambda: pl.read_csv(a.csv))
        reps.append({"seconds": t, "mem_bytes": int(df.estimated_size()), "rows": df.height,
                     "columns": df.width, "dtypes": {c: str(d) for c, d in df.schema.items()}})
        del df
    return [{"tool": "polars.read_csv", "version": "polars %s" % pl.__version__, "reps": reps,
             "setup": {"thread_pool_size": threads, "how_mem": "df.estimated_size()",
                       "how_time": "wall time of polars.read_csv(path)"}}]


def worker(a):
    a.cores_n = len(os.sched_getaffinity(0))
    fn = {
        "mlctl-1node": lambda: work_mlctl(a, 1),
        "mlctl-2nodes": lambda: work_mlctl(a, 2),
        "h2o": lambda: work_h2o(a),
        "pandas-c": lambda: work_pandas(a, "c"),
        "pandas-pyarrow": lambda: work_pandas(a, "pyarrow"),
        "pyarrow": lambda: work_pyarrow(a),
        "polars": lambda: work_polars(a),
    }[a.worker]
    rows = fn()
    for r in rows:
        r["affinity"] = sorted(os.sched_getaffinity(0))
    with open(a.result, "w") as f:
        json.dump(rows, f)


# ---------------------------------------------------------------------------
# Parent: runs the workers, prints the table, writes the JSON.
# ---------------------------------------------------------------------------


def _cmd_out(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        return p.stdout.strip()
    except Exception as e:
        return "unavailable: %s" % e


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "affinity": sorted(os.sched_getaffinity(0)), "cpu_model": cpu,
            "mem_total_bytes": mem, "kernel": platform.release(), "python": platform.python_version(),
            "java": _cmd_out(["java", "-version"]).splitlines()[:1]}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "n/a"


def warm_cache(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def summarise(row, csv_bytes):
    secs = [r["seconds"] for r in row["reps"]]
    mems = [r["mem_bytes"] for r in row["reps"] if r.get("mem_bytes") is not None]
    med = statistics.median(secs)
    row["median_seconds"] = med
    row["min_seconds"] = min(secs)
    row["mb_per_s"] = csv_bytes / med / 1e6
    srv = [r["server_parse_seconds"] for r in row["reps"] if r.get("server_parse_seconds") is not None]
    row["server_median_seconds"] = statistics.median(srv) if srv else None
    row["mem_bytes"] = mems[-1] if mems else None
    row["mem_ratio"] = (mems[-1] / csv_bytes) if mems else None
    return row


def markdown(res):
    csv_bytes = res["csv"]["bytes"]
    out = ["### CSV import: %s (%s rows, %.1f MB)" % (res["label"], format(res["csv"]["rows"], ","), csv_bytes / 1e6),
           "",
           "| tool | cores | seconds (median) | seconds (min) | MB/s | server-side parse s (median) | in-memory bytes | memory / CSV |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in res["results"]:
        if "error" in r:
            out.append("| %s | %d | failed: %s | | | | | |" % (r["tool"], r["cores"], r["error"].splitlines()[-1][:150].replace("|", "/")))
            continue
        out.append("| %s | %d | %.3f | %.3f | %.1f | %s | %s | %s |" % (
            r["tool"], r["cores"], r["median_seconds"], r["min_seconds"], r["mb_per_s"],
            "%.3f" % r["server_median_seconds"] if r.get("server_median_seconds") is not None else "",
            format(r["mem_bytes"], ",") if r["mem_bytes"] is not None else "n/a",
            "%.2f" % r["mem_ratio"] if r["mem_ratio"] is not None else "n/a"))
    out.append("")
    out.append("%d runs each; MB/s = CSV bytes / median seconds. Server-side parse: the engine's own job time "
               "(mlctl: job finished - started; H2O-3: the Parse job's msec, which leaves out ImportFiles and "
               "ParseSetup). Load average before/after: %s." % (res["reps"], res.get("load", "n/a")))
    out.append("Machine: %s, nproc %d; cores pinned with taskset -c. Raw numbers: %s" % (
        res["machine"]["cpu_model"], res["machine"]["nproc"], res.get("json_path", "")))
    return "\n".join(out)


def count_rows(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 24)
            if not b:
                break
            n += b.count(b"\n")
    return max(n - 1, 0)  # less the header


def parent(a):
    csv = os.path.abspath(a.csv)
    if not os.path.isfile(csv):
        sys.exit("import_bench: no such CSV: %s" % csv)
    mlctl = shutil.which(a.mlctl) or os.path.abspath(a.mlctl)
    if not os.access(mlctl, os.X_OK):
        sys.exit("import_bench: mlctl binary not found: %s (run make build)" % a.mlctl)
    if shutil.which("taskset") is None:
        sys.exit("import_bench: taskset not found (util-linux)")
    cores = [int(c) for c in a.cores.split(",") if c.strip()]
    avail = sorted(os.sched_getaffinity(0))
    for c in cores:
        if c < 1 or c > len(avail):
            sys.exit("import_bench: cannot pin to %d cores; %d available" % (c, len(avail)))
    tools = a.tools.split(",") if a.tools else TOOLS
    for t in tools:
        if t not in TOOLS:
            sys.exit("import_bench: unknown tool %r (known: %s)" % (t, ", ".join(TOOLS)))
    csv_bytes = os.path.getsize(csv)
    label = a.label or os.path.splitext(os.path.basename(csv))[0]
    res = {"label": label, "csv": {"path": csv, "bytes": csv_bytes, "rows": count_rows(csv)},
           "reps": a.reps, "command": [sys.executable] + sys.argv, "machine": machine_info(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
           "results": [], "versions": {}}
    load_start = loadavg()
    tmp = tempfile.mkdtemp(prefix="import-bench-")
    try:
        for c in cores:
            cpu_list = ",".join(str(x) for x in avail[:c])
            for t in tools:
                warm_cache(csv)
                out = os.path.join(tmp, "%s-%d.json" % (t, c))
                log = os.path.join(tmp, "%s-%d.log" % (t, c))
                cmd = ["taskset", "-c", cpu_list, sys.executable, os.path.abspath(__file__),
                       "--worker", t, "--result", out, "--csv", csv, "--mlctl", mlctl, "--reps", str(a.reps)]
                print("import_bench: %s on %d core%s ..." % (t, c, "" if c == 1 else "s"), file=sys.stderr, flush=True)
                t0 = time.time()
                load_before = loadavg()
                err = None
                try:
                    with open(log, "w") as lf:
                        p = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT, timeout=a.timeout)
                    if p.returncode != 0:
                        with open(log) as lf:
                            err = "worker exit %d: %s" % (p.returncode, lf.read().strip()[-3000:])
                except subprocess.TimeoutExpired:
                    err = "timed out after %d s" % a.timeout
                if err is None:
                    with open(out) as f:
                        rows = json.load(f)
                    for r in rows:
                        r["cores"] = c
                        r["loadavg_before"], r["loadavg_after"] = load_before, loadavg()
                        res["versions"][r["tool"]] = r["version"]
                        res["results"].append(summarise(r, csv_bytes))
                        print("import_bench:   %-32s %.3f s median" % (r["tool"], r["median_seconds"]),
                              file=sys.stderr, flush=True)
                else:
                    print("import_bench:   %s failed: %s" % (t, err.splitlines()[-1] if err else ""), file=sys.stderr)
                    res["results"].append({"tool": TOOL_LABELS[t], "worker": t, "cores": c, "error": err})
                print("import_bench:   (%.0f s)" % (time.time() - t0), file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["versions"]["java"] = res["machine"]["java"]
    res["load"] = "%s / %s" % (load_start, loadavg())
    json_path = a.json or os.path.join(os.path.dirname(csv), "import-bench-%s.json" % label)
    res["json_path"] = os.path.abspath(json_path)
    md = markdown(res)
    res["markdown"] = md
    with open(json_path, "w") as f:
        json.dump(res, f, indent=2)
    with open(os.path.splitext(json_path)[0] + ".md", "w") as f:
        f.write(md + "\n")
    print(md)
    return 1 if any("error" in r for r in res["results"]) and a.strict else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True, help="the CSV file to import")
    ap.add_argument("--label", help="a name for the data set in the table and file names")
    ap.add_argument("--cores", default="1,2", help="comma-separated core counts to pin to (default 1,2)")
    ap.add_argument("--reps", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--mlctl", default="bin/mlctl", help="path to the mlctl binary")
    ap.add_argument("--tools", help="comma-separated subset of: " + ", ".join(TOOLS))
    ap.add_argument("--json", help="where to write the raw numbers (default: beside the CSV)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed per tool and core count")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any tool failed")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.reps < 1:
        ap.error("--reps must be at least 1")
    if a.worker:
        worker(a)
        return 0
    return parent(a)


if __name__ == "__main__":
    sys.exit(main())
