#!/usr/bin/env python3
"""Scale benchmark of a Kubernetes operator on a local control plane with kwok GPU nodes.

    scripts/bench scale --n 10,100 [--idle 180] [--operator-cmd CMD --cr-template FILE ...]
    scripts/bench table RESULTS.json...     one markdown table of several runs, side by side

For each N, on a clean slate: start a control plane of its own (scripts/local-cluster, with an
audit log and a /16 service range), add kwok GPU nodes for N pods (and a surge pod each), start
the operator as a separate process under a user of its own, apply N custom resources and measure
convergence, API requests (audit log), CPU and memory, a restart and a spec change on all N, and
the bytes stored per CR. docs/benchmarks.md says what each figure means and how it is measured.

Python 3 standard library only; kubectl, etcdctl and openssl from scripts/testbin / the system.
Not a test: nothing here asserts a figure.
"""

import argparse
import base64
import datetime
import http.client
import json
import math
import os
import platform
import re
import shlex
import signal
import socket
import ssl
import string
import subprocess
import sys
import threading
import time
import traceback
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.expanduser("~/.cache/vllm-operator")
OPERATOR_USER = "vllm-bench-operator"  # the operator's own identity: audit events are counted by it
FIELD_MANAGER = "vllm-bench"
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
# As the image runs it (operator/Dockerfile: java @jvm.options -jar ...), in the chart's default
# memory limit: -XX:MaxRAM=512m makes the JVM size its heap as in a 512Mi container.
DEFAULT_OPERATOR_CMD = ("java -XX:MaxRAM=512m @{repo}/operator/jvm.options"
                        " -jar {repo}/operator/target/vllm-operator.jar run --http-port {port}")
DEFAULT_TEMPLATE = os.path.join(REPO, "scripts/bench-templates/vllmdeployment.yaml")


def log(msg):
    print(f"bench {time.strftime('%H:%M:%S')}: {msg}", file=sys.stderr, flush=True)


# --- pure helpers (unit-tested in scripts/bench_test.py) ------------------------------------------


def percentile(values, p):
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summary(values):
    """p50 / p99 / max of a list of seconds, rounded; None entries (never reached) are counted."""
    reached = [v for v in values if v is not None]
    return {
        "count": len(values),
        "reached": len(reached),
        "p50": rnd(percentile(reached, 50)),
        "p99": rnd(percentile(reached, 99)),
        "max": rnd(max(reached)) if reached else None,
    }


def rnd(value, digits=2):
    return None if value is None else round(value, digits)


def parse_time(text):
    """RFC 3339 with optional fraction (the audit log's microseconds) -> epoch seconds."""
    text = text.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp()


def field(obj, path):
    """Value at a dotted path (status.phase) of a JSON object, None if any part is missing."""
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def ready_checks(exprs):
    """Ready expressions 'a.b=VALUE' or 'a.b=@c.d' (equal to another field) -> predicate."""
    checks = []
    for expr in exprs:
        path, sep, want = expr.partition("=")
        if not sep or not path:
            raise ValueError(f"ready expression {expr!r} is not PATH=VALUE or PATH=@PATH")
        checks.append((path.strip(), want.strip()))

    def ready(obj):
        for path, want in checks:
            have = field(obj, path)
            if want.startswith("@"):
                if have is None or have != field(obj, want[1:]):
                    return False
            elif have is None or str(have) != want:
                return False
        return True

    return ready


def resource_name(ref):
    """kubectl-style name of an audit objectRef: deployments.apps, vllmdeployments.x.io/status."""
    name = ref.get("resource", "?")
    if ref.get("apiGroup"):
        name += "." + ref["apiGroup"]
    if ref.get("subresource"):
        name += "/" + ref["subresource"]
    return name


def parse_audit_line(line):
    """One audit.k8s.io/v1 Event (JSON line) -> the fields counted here, or None."""
    try:
        ev = json.loads(line)
    except ValueError:
        return None
    if ev.get("kind") != "Event":
        return None
    user = (ev.get("impersonatedUser") or ev.get("user") or {}).get("username", "")
    ref = ev.get("objectRef") or {}
    return {
        "id": ev.get("auditID"),
        "stage": ev.get("stage"),
        "time": parse_time(ev["requestReceivedTimestamp"]),
        "user": user,
        "verb": ev.get("verb"),
        "resource": resource_name(ref) if ref else ev.get("requestURI", "?").split("?")[0],
        "namespace": ref.get("namespace"),
        "name": ref.get("name"),
        "group": ref.get("apiGroup", ""),
        "plural": ref.get("resource"),
        "subresource": ref.get("subresource"),
        "code": (ev.get("responseStatus") or {}).get("code"),
        "agent": ev.get("userAgent", ""),
    }


def first_per_request(events):
    """One event per request: a watch logs ResponseStarted and later ResponseComplete; the audit
    ID ties them, and the later one carries the final status code."""
    by_id = {}
    for ev in events:
        if ev is None:
            continue
        seen = by_id.get(ev["id"])
        if seen is None:
            by_id[ev["id"]] = dict(ev)
        elif ev.get("code") is not None:
            seen["code"] = ev["code"]
    return sorted(by_id.values(), key=lambda e: e["time"])


def count_requests(requests, user, start, end):
    """{verb: {resource: n}} and totals of the requests of `user` received in [start, end)."""
    by_verb = {}
    total = writes = 0
    for r in requests:
        if r["user"] != user or not (start <= r["time"] < end):
            continue
        by_verb.setdefault(r["verb"], {}).setdefault(r["resource"], 0)
        by_verb[r["verb"]][r["resource"]] += 1
        total += 1
        if r["verb"] in WRITE_VERBS:
            writes += 1
    by_verb = {v: dict(sorted(res.items())) for v, res in sorted(by_verb.items())}
    return {"total": total, "writes": writes, "by_verb": by_verb}


def created_objects(requests, user, start, end):
    """Objects `user` created in [start, end): a create, or an apply/patch answered 201 Created."""
    out = {}
    for r in requests:
        if r["user"] != user or not (start <= r["time"] < end) or r["subresource"]:
            continue
        if r["verb"] == "create" or (r["verb"] in ("patch", "update") and r["code"] == 201):
            if r["code"] is not None and r["code"] >= 300:
                continue
            if r["name"]:
                out[(r["group"], r["plural"], r["namespace"], r["name"])] = True
    return list(out)


def prometheus_sum(text, name_regex):
    """Sum of the samples of every metric whose name matches name_regex (Prometheus text format)."""
    pattern = re.compile(name_regex)
    total, found = 0.0, False
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[{\s]", line, maxsplit=1)[0]
        if pattern.fullmatch(name):
            try:
                total += float(line.rsplit(None, 1)[-1])
                found = True
            except ValueError:
                pass
    return total if found else None


def fmt(value, unit="", digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.{digits}f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{unit}"


def table_rows(result):
    """(figure, value) rows of one N of one run, in the order of docs/benchmarks.md."""
    c, st, idle, rs, sc, sto = (result.get(k) or {} for k in
                                ("create", "startup", "idle", "restart", "spec_change", "storage"))
    proc = c.get("process") or {}
    n = result["n"]
    rows = [
        ("operator start to watching its CRs", fmt(st.get("seconds"), " s")),
        ("apply of N CRs took (client side)", fmt(c.get("apply_seconds"), " s")),
        ("first Deployment created", fmt(c.get("first_deployment_s"), " s")),
        ("all Deployments created", fmt(c.get("all_deployments_s"), " s")),
        ("all pods Ready", fmt(c.get("all_pods_ready_s"), " s")),
        ("all Deployments ready (controller-manager)", fmt(c.get("all_deployments_ready_s"), " s")),
        ("all CRs Ready", fmt(c.get("all_crs_ready_s"), " s")),
        ("per CR, apply to Deployment, p50 / p99",
         f"{fmt((c.get('deployment_latency') or {}).get('p50'), '', 2)} / "
         f"{fmt((c.get('deployment_latency') or {}).get('p99'), ' s', 2)}"),
        ("per CR, apply to CR Ready, p50 / p99",
         f"{fmt((c.get('ready_latency') or {}).get('p50'), '', 2)} / "
         f"{fmt((c.get('ready_latency') or {}).get('p99'), ' s', 2)}"),
        ("per CR, its Deployment ready to CR Ready, p50 / p99",
         f"{fmt((c.get('ready_after_deployment_ready') or {}).get('p50'), '', 2)} / "
         f"{fmt((c.get('ready_after_deployment_ready') or {}).get('p99'), ' s', 2)}"),
        ("API requests at creation, per CR (writes per CR)",
         f"{fmt(per(c.get('requests', {}).get('total'), n))} ({fmt(per(c.get('requests', {}).get('writes'), n))})"),
        ("operator CPU, apply to converged", fmt(c.get("cpu_seconds"), " s")),
        ("reconciles per CR, apply to converged", fmt(per(c.get("reconciles"), n))),
        ("operator CPU since its start, at convergence", fmt(proc.get("cpu_seconds"), " s")),
        ("kube-apiserver / etcd CPU, apply to converged",
         f"{fmt((c.get('control_plane_cpu_seconds') or {}).get('kube-apiserver'), ' s')} / "
         f"{fmt((c.get('control_plane_cpu_seconds') or {}).get('etcd'), ' s')}"),
        ("operator RSS at convergence", fmt(mib(proc.get("rss_bytes")), " MiB", 0)),
        ("heap used after a GC (max heap)", heap_cell(proc)),
        ("threads", fmt(proc.get("threads"))),
        (f"idle {fmt(idle.get('seconds'), ' s', 0)}: requests / writes",
         f"{fmt((idle.get('requests') or {}).get('total'))} / {fmt((idle.get('requests') or {}).get('writes'))}"),
        ("idle CPU per minute", fmt(idle.get("cpu_seconds_per_minute"), " s", 2)),
        ("restart: first reconcile after start", fmt(rs.get("first_reconcile_s"), " s")),
        ("restart: idle again after start", fmt(rs.get("idle_again_s"), " s") if rs.get("idle_again_s") is not None
         else ("never idle in " + fmt(rs.get("window_s"), " s", 0) if rs else "–")),
        ("restart: writes / requests", f"{fmt((rs.get('requests') or {}).get('writes'))} / "
                                       f"{fmt((rs.get('requests') or {}).get('total'))}"),
        ("spec change: all Deployments updated", fmt(sc.get("all_deployments_updated_s"), " s")),
        ("spec change: all rollouts complete", fmt(sc.get("all_rollouts_done_s"), " s")),
        ("spec change: all CRs Ready again", fmt(sc.get("all_crs_ready_s"), " s")),
        ("spec change: writes per CR", fmt(per((sc.get("requests") or {}).get("writes"), n))),
        ("objects created per CR", fmt(per(sto.get("objects_per_cr_total"), n))),
        ("bytes in etcd per CR (objects created; CR itself)",
         f"{fmt(kb(sto.get('etcd_bytes_per_cr')), ' KB')}; {fmt(kb(sto.get('cr_etcd_bytes_per_cr')), ' KB')}"),
        ("bytes as API JSON per CR (objects created)", fmt(kb(sto.get("json_bytes_per_cr")), " KB")),
        ("load average (1 min) at start / end", f"{fmt(result['loadavg_start'][0], '', 2)} / "
                                                 f"{fmt(result['loadavg_end'][0], '', 2)}"),
    ]
    return rows


def heap_cell(proc):
    if proc.get("heap_after_gc_bytes") is not None:
        return f"{fmt(mib(proc['heap_after_gc_bytes']), ' MiB', 0)} ({fmt(mib(proc.get('heap_max_bytes')), ' MiB', 0)})"
    if proc.get("heap_inuse_bytes_no_gc") is not None:
        return f"{fmt(mib(proc['heap_inuse_bytes_no_gc']), ' MiB', 0)} in use, no forced GC (Go)"
    return "–"


def per(value, n):
    return None if value is None or not n else value / n


def mib(value):
    return None if value is None else value / 1048576


def kb(value):
    return None if value is None else value / 1000


def markdown(runs):
    """One table: a row per figure, a column per (operator, N) of every run given."""
    cols, rows = [], {}
    order = []
    for run in runs:
        for res in run["results"]:
            col = f"{run['run']['operator']['label']}, N={res['n']}"
            repeat = sum(1 for c in cols if c == col or c.startswith(col + " ("))
            cols.append(col if not repeat else f"{col} (run {repeat + 1})")
            for figure, value in table_rows(res):
                if figure not in rows:
                    rows[figure] = {}
                    order.append(figure)
                rows[figure][len(cols) - 1] = value
    out = ["| figure | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for figure in order:
        out.append(f"| {figure} | " + " | ".join(rows[figure].get(i, "–") for i in range(len(cols))) + " |")
    return "\n".join(out) + "\n"


def run_header(run):
    r = run["run"]
    m = r["machine"]
    return "\n".join([
        f"- command: `{r['command']}`",
        f"- commit: {r['commit']}{' (with uncommitted changes)' if r.get('dirty') else ''}; "
        f"operator: {r['operator']['label']} (`{r['operator']['cmd']}`)",
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['kernel']}; "
        f"load average at start {r['loadavg_start']}, at end {r['loadavg_end']}",
        f"- started {r['started']}, {r['duration_s']:.0f} s",
    ]) + "\n"


# --- the cluster ------------------------------------------------------------------------------------


class Kube:
    """A minimal client of the cluster's API server: admin client certificate, JSON, watches."""

    def __init__(self, port, pki):
        self.port = port
        self.ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
        self.ctx.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
        self.local = threading.local()

    def _conn(self, timeout):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=timeout)

    def request(self, method, path, body=None, content_type="application/json"):
        for attempt in range(3):
            conn = getattr(self.local, "conn", None) or self._conn(60)
            self.local.conn = conn
            try:
                headers = {"Accept": "application/json"}
                if body is not None:
                    headers["Content-Type"] = content_type
                    if not isinstance(body, (bytes, str)):
                        body = json.dumps(body)
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.5)

    def json(self, method, path, body=None, content_type="application/json", ok=(200, 201)):
        status, data = self.request(method, path, body, content_type)
        if status not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def watch(self, path, on_event, stop):
        """Lists `path`, then follows its watch (re-listing when the server drops it) until stop."""
        rv = None
        while not stop.is_set():
            try:
                if rv is None:
                    lst = self.json("GET", path)
                    for item in lst.get("items", []):
                        on_event("ADDED", item)
                    rv = lst["metadata"]["resourceVersion"]
                conn = self._conn(120)
                sep = "&" if "?" in path else "?"
                conn.request("GET", f"{path}{sep}watch=1&resourceVersion={rv}&timeoutSeconds=600"
                             "&allowWatchBookmarks=true", headers={"Accept": "application/json"})
                resp = conn.getresponse()
                if resp.status != 200:
                    rv = None
                    conn.close()
                    continue
                while not stop.is_set():
                    line = resp.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    obj = ev.get("object", {})
                    if ev["type"] == "ERROR":
                        rv = None  # 410 Gone: list again
                        break
                    rv = obj.get("metadata", {}).get("resourceVersion", rv)
                    if ev["type"] != "BOOKMARK":
                        on_event(ev["type"], obj)
                conn.close()
            except (OSError, http.client.HTTPException, ValueError, RuntimeError) as e:
                if stop.is_set():
                    return
                if "HTTP 429" not in str(e):  # 429: the API server's cache of a new CRD is not ready yet
                    log(f"watch {path}: {e}; again")
                time.sleep(1)


class Cluster:
    """scripts/local-cluster in a state dir of its own, with an audit log and a larger service CIDR."""

    def __init__(self, state, service_cidr):
        self.state = state
        # Beside the state dir, not in it: `up` deletes a state dir it finds (as stale).
        self.audit_log = os.path.join(os.path.dirname(state), "audit", "audit.log")
        self.service_cidr = service_cidr

    def up(self):
        os.makedirs(os.path.dirname(self.audit_log), exist_ok=True)
        policy = os.path.join(os.path.dirname(self.audit_log), "policy.json")
        # Only the operator's requests, at Metadata level (who, verb, object, code: no bodies).
        # RequestReceived is omitted: ResponseStarted (watches) / ResponseComplete carry the same.
        with open(policy, "w") as f:
            json.dump({"apiVersion": "audit.k8s.io/v1", "kind": "Policy",
                       "omitStages": ["RequestReceived"],
                       "rules": [{"level": "Metadata", "users": [OPERATOR_USER]}, {"level": "None"}]}, f)
        env = dict(os.environ, VLLM_CLUSTER_DIR=self.state, VLLM_CLUSTER_SERVICE_CIDR=self.service_cidr,
                   VLLM_CLUSTER_APISERVER_ARGS=" ".join([
                       f"--audit-policy-file={policy}", f"--audit-log-path={self.audit_log}",
                       "--audit-log-format=json", "--audit-log-maxsize=0", "--audit-log-maxbackup=0"]))
        out = subprocess.run([os.path.join(REPO, "scripts/local-cluster"), "up"], env=env,
                             stdout=subprocess.PIPE, check=True, text=True).stdout
        self.kubeconfig = out.strip().splitlines()[-1].split("=", 1)[1]
        self.env = {}
        with open(os.path.join(self.state, "cluster.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                self.env[k] = v.strip('"')
        self.bin = self.env["BIN"]
        self.pki = os.path.join(self.state, "pki")
        self.kube = Kube(int(self.env["API_PORT"]), self.pki)

    def down(self):
        subprocess.run([os.path.join(REPO, "scripts/local-cluster"), "down"],
                       env=dict(os.environ, VLLM_CLUSTER_DIR=self.state), check=False)

    def kubectl(self, *args, stdin=None):
        return subprocess.run([os.path.join(self.bin, "kubectl"), "--kubeconfig", self.kubeconfig, *args],
                              input=stdin, stdout=subprocess.PIPE, check=True, text=True).stdout

    def etcdctl(self, *args):
        return subprocess.run([os.path.join(self.bin, "etcdctl"),
                               f"--endpoints=http://127.0.0.1:{self.env['ETCD_PORT']}", *args],
                              stdout=subprocess.PIPE, check=True).stdout

    def user_kubeconfig(self, user, path):
        """A client certificate for `user` (group system:masters) signed by the cluster CA."""
        key, csr, crt, ext = (os.path.join(os.path.dirname(path), f"{user}.{s}") for s in ("key", "csr", "crt", "ext"))
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=clientAuth\n")
        subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj",
                        f"/O=system:masters/CN={user}", "-keyout", key, "-out", csr],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", os.path.join(self.pki, "ca.crt"),
                        "-CAkey", os.path.join(self.pki, "ca.key"), "-CAcreateserial", "-days", "30",
                        "-extfile", ext, "-out", crt], check=True, capture_output=True)

        def b64(p):
            with open(p, "rb") as f:
                return base64.b64encode(f.read()).decode()

        config = {"apiVersion": "v1", "kind": "Config", "current-context": "bench",
                  "clusters": [{"name": "bench", "cluster": {
                      "server": f"https://127.0.0.1:{self.env['API_PORT']}",
                      "certificate-authority-data": b64(os.path.join(self.pki, "ca.crt"))}}],
                  "users": [{"name": user, "user": {"client-certificate-data": b64(crt),
                                                    "client-key-data": b64(key)}}],
                  "contexts": [{"name": "bench", "context": {"cluster": "bench", "user": user}}]}
        with open(path, "w") as f:
            json.dump(config, f)  # JSON is YAML: every client reads it
        os.chmod(path, 0o600)


def gpu_node(name, gpus):
    """A kwok-managed fake GPU node shaped like those of scripts/local-cluster (label, taint)."""
    res = {"cpu": "192", "memory": "2048Gi", "ephemeral-storage": "1Ti", "pods": "110", "nvidia.com/gpu": str(gpus)}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name,
                         "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
                         "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                    "kubernetes.io/arch": "amd64", "type": "kwok", "vllm-bench/node": "true",
                                    "nvidia.com/gpu.present": "true",
                                    "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3",
                                    "nvidia.com/gpu.count": str(gpus), "nvidia.com/gpu.memory": "81559"}},
            "spec": {"taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]},
            "status": {"capacity": res, "allocatable": dict(res)}}


# --- the operator process ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_tree(root):
    """root and all its descendants (by /proc/<pid>/stat ppid)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def proc_sample(root):
    """CPU seconds (utime+stime), RSS bytes and threads, summed over the process tree of root."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = rss = threads = 0
    for pid in proc_tree(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            cpu += (int(parts[11]) + int(parts[12])) / tick  # fields 14, 15 of proc(5)
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Threads:"):
                        threads += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return {"cpu_seconds": round(cpu, 2), "rss_bytes": rss, "threads": threads}


def control_plane_cpu(cluster_dir):
    """CPU seconds of the cluster's kube-apiserver and etcd (their pid files), by name."""
    cpu = {}
    for name in ("kube-apiserver", "etcd"):
        try:
            with open(os.path.join(cluster_dir, "run", f"{name}.pid")) as f:
                cpu[name] = proc_sample(int(f.read().strip()))["cpu_seconds"]
        except (OSError, ValueError):
            cpu[name] = None
    return cpu


def cpu_delta(before, after):
    return {k: rnd(after[k] - before[k]) if before.get(k) is not None and after.get(k) is not None else None
            for k in after}


def java_pid(root):
    for pid in proc_tree(root):
        try:
            if os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "java":
                return pid
        except OSError:
            pass
    return None


def parse_heap_info(text):
    """Committed and used heap from jcmd GC.heap_info: G1 prints one 'garbage-first heap' line,
    the Serial and Parallel collectors one line per generation (young, then old), summed here."""
    spaces = re.findall(r"(?:heap|generation|Gen)\s+total (\d+)K, used (\d+)K", text)
    if not spaces:
        return {}
    return {"heap_committed_bytes": sum(int(t) for t, _ in spaces) * 1024,
            "heap_after_gc_bytes": sum(int(u) for _, u in spaces) * 1024}


def jvm_heap_after_gc(pid):
    """jcmd GC.run, then GC.heap_info's 'used' of the heap, and the max heap from VM.flags."""
    out = {}
    try:
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True,
                              timeout=60, check=True).stdout
        out.update(parse_heap_info(info))
        flags = subprocess.run(["jcmd", str(pid), "VM.flags"], capture_output=True, text=True,
                               timeout=60, check=True).stdout
        m = re.search(r"-XX:MaxHeapSize=(\d+)", flags)
        if m:
            out["heap_max_bytes"] = int(m.group(1))
    except (OSError, subprocess.SubprocessError) as e:
        log(f"jcmd: {e}")
    return out


class Operator:
    def __init__(self, cmd, metrics_url, reconcile_metric, workdir, env):
        self.cmd, self.metrics_url_t, self.reconcile_metric = cmd, metrics_url, reconcile_metric
        self.workdir, self.env = workdir, env
        self.proc = None
        self.starts = 0

    def start(self):
        self.port = free_port()
        self.starts += 1
        cmd = self.cmd.replace("{repo}", REPO).replace("{port}", str(self.port))
        self.metrics_url = self.metrics_url_t.replace("{port}", str(self.port)) if self.metrics_url_t else None
        logf = open(os.path.join(self.workdir, f"operator-{self.starts}.log"), "ab")
        log(f"starting operator: {cmd}")
        self.started_at = time.time()
        self.proc = subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=REPO, env=self.env, stdout=logf,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if not self.alive():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def reconciles(self):
        """The operator's own count of reconciles (from its metrics), None if not available."""
        if not self.metrics_url or not self.reconcile_metric:
            return None
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=2) as r:
                text = r.read().decode("utf-8", "replace")
        except OSError:
            return None
        return prometheus_sum(text, self.reconcile_metric)

    def metric(self, name_regex):
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=2) as r:
                return prometheus_sum(r.read().decode("utf-8", "replace"), name_regex)
        except (OSError, TypeError, ValueError):
            return None


# --- what the watches see ---------------------------------------------------------------------------


class Observed:
    """Client-side times of what the watches report, per CR (namespace/name)."""

    def __init__(self, kind, namespaces, ready):
        self.kind, self.namespaces, self.ready = kind, set(namespaces), ready
        self.lock = threading.Lock()
        self.reset()

    def reset(self, new_tag=None):
        with self.lock:
            self.new_tag = new_tag
            self.min_gen = {}  # CR key -> generation the current phase waits for
            self.cr_ready = {}  # key -> time its ready expression turned true (this phase)
            self.cr_ready_now = {}
            self.deploy_seen = {}  # key -> first time a Deployment owned by it was seen (with new tag)
            self.rollout_done = {}
            self.pods = getattr(self, "pods", {})

    def _key(self, obj):
        md = obj.get("metadata", {})
        return f"{md.get('namespace')}/{md.get('name')}"

    def on_cr(self, typ, obj):
        now = time.time()
        if obj.get("metadata", {}).get("namespace") not in self.namespaces or typ == "DELETED":
            return
        key = self._key(obj)
        with self.lock:
            fresh = obj["metadata"].get("generation", 0) >= self.min_gen.get(key, 0)
            is_ready = fresh and self.ready(obj)
            if is_ready and not self.cr_ready_now.get(key):
                self.cr_ready[key] = now  # the last not-ready -> ready transition counts
            self.cr_ready_now[key] = is_ready

    def _owner(self, obj):
        md = obj.get("metadata", {})
        for ref in md.get("ownerReferences", []):
            if ref.get("kind") == self.kind:
                return f"{md.get('namespace')}/{ref.get('name')}"
        return None

    def _has_tag(self, template_spec):
        if self.new_tag is None:
            return True
        return any(c.get("image", "").endswith(":" + self.new_tag) for c in template_spec.get("containers", []))

    def on_deployment(self, typ, obj):
        now = time.time()
        key = self._owner(obj)
        if key is None or typ == "DELETED":
            return
        spec = obj.get("spec", {})
        pod_spec = spec.get("template", {}).get("spec", {})
        st = obj.get("status", {})
        want = spec.get("replicas", 1)
        with self.lock:
            if not self._has_tag(pod_spec):
                return
            self.deploy_seen.setdefault(key, now)
            done = (st.get("observedGeneration", 0) >= obj["metadata"].get("generation", 0)
                    and st.get("updatedReplicas", 0) == want and st.get("readyReplicas", 0) == want
                    and st.get("replicas", 0) == want)
            if done:
                self.rollout_done.setdefault(key, now)

    def on_pod(self, typ, obj):
        now = time.time()
        md = obj.get("metadata", {})
        if md.get("namespace") not in self.namespaces:
            return
        key = f"{md.get('namespace')}/{md.get('name')}"
        with self.lock:
            if typ == "DELETED" or md.get("deletionTimestamp"):
                self.pods.pop(key, None)
                return
            ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                        for c in obj.get("status", {}).get("conditions", []))
            self.pods[key] = (ready, self._has_tag(obj.get("spec", {})))

    def ready_pods(self):
        with self.lock:
            return sum(1 for ready, tagged in self.pods.values() if ready and tagged)


class AuditLog:
    """The audit log, read incrementally; requests() is every request so far, one entry each."""

    def __init__(self, path):
        self.path, self.offset, self.events, self.partial = path, 0, [], ""

    def requests(self):
        try:
            with open(self.path) as f:
                f.seek(self.offset)
                chunk = f.read()
                self.offset = f.tell()
        except FileNotFoundError:
            chunk = ""
        lines = (self.partial + chunk).split("\n")
        self.partial = lines.pop()
        self.events.extend(e for e in map(parse_audit_line, lines) if e)
        return first_per_request(self.events)


# --- the benchmark of one N -------------------------------------------------------------------------


class ScaleRun:
    def __init__(self, args, n, workdir):
        self.a, self.n, self.workdir = args, n, workdir
        with open(args.cr_template) as f:
            self.template = string.Template(f.read())
        raw = self.template.template
        self.api_version = re.search(r"^apiVersion:\s*['\"]?([^'\"\s]+)", raw, re.M).group(1)
        self.kind = re.search(r"^kind:\s*['\"]?([^'\"\s]+)", raw, re.M).group(1)
        self.namespaces = [f"bench-{i}" for i in range(args.namespaces)]
        self.crs = [(self.namespaces[i % len(self.namespaces)], f"m-{i:04d}") for i in range(n)]
        self.result = {"n": n, "loadavg_start": list(os.getloadavg())}

    def cr_path(self, ns, name=None):
        base = f"/apis/{self.api_version}" if "/" in self.api_version else f"/api/{self.api_version}"
        return f"{base}/namespaces/{ns}/{self.plural}" + (f"/{name}" if name else "")

    def apply(self, tag):
        """Server-side apply of all N, in order; returns {key: (time before the request, generation)}."""
        out = {}
        for i, (ns, name) in enumerate(self.crs):
            body = self.template.substitute(NAME=name, NAMESPACE=ns, INDEX=i, IMAGE_TAG=tag)
            t = time.time()
            obj = self.kube.json("PATCH", self.cr_path(ns, name) + f"?fieldManager={FIELD_MANAGER}&force=true",
                                 body, content_type="application/apply-patch+yaml")
            out[f"{ns}/{name}"] = (t, obj["metadata"].get("generation", 1))
        return out

    def wait_until(self, what, cond, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if cond():
                return True
            if getattr(self, "op", None) and not self.op.alive():
                raise RuntimeError(f"the operator exited while waiting for {what} (see {self.workdir})")
            time.sleep(0.2)
        log(f"timed out after {timeout}s waiting for {what}")
        return False

    def settle(self, since, limit=120):
        """Waits until the operator wrote nothing for --quiet seconds; returns when it last wrote."""
        quiet, deadline = self.a.quiet, time.time() + limit
        last = since
        while time.time() < deadline:
            writes = [r["time"] for r in self.audit.requests()
                      if r["user"] == OPERATOR_USER and r["verb"] in WRITE_VERBS and r["time"] >= since]
            last = max(writes, default=since)
            if time.time() - last >= quiet:
                return last
            time.sleep(1)
        return last

    def run(self):
        a = self.a
        state = os.path.join(self.workdir, "cluster")
        self.cluster_dir = state
        self.cluster = Cluster(state, a.service_cidr)
        t_cluster = time.time()
        self.cluster.up()
        try:
            return self._run(t_cluster)
        finally:
            if getattr(self, "op", None):
                self.op.stop()
            self.stop_watches()
            self.result["loadavg_end"] = list(os.getloadavg())
            if not a.keep_cluster:
                self.cluster.down()

    def stop_watches(self):
        if getattr(self, "stop", None):
            self.stop.set()

    def _run(self, t_cluster):
        a, n = self.a, self.n
        self.kube = self.cluster.kube
        self.audit = AuditLog(self.cluster.audit_log)
        # GPU nodes: one GPU per pod plus one per surge pod of a rolling update, in nodes of --gpus-per-node.
        nodes = math.ceil(2 * n / a.gpus_per_node) + 1
        for i in range(nodes):
            self.kube.json("POST", "/api/v1/nodes", gpu_node(f"bench-gpu-{i}", a.gpus_per_node))
        for ns in self.namespaces + [a.operator_namespace]:
            self.kube.json("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                        "metadata": {"name": ns}})
        # As on a cluster with the NVIDIA GPU operator; pods of the Go peer ask for it by default.
        self.kube.json("POST", "/apis/node.k8s.io/v1/runtimeclasses", {
            "apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "nvidia"}, "handler": "nvidia"})
        crds = list(a.crds)
        if a.monitoring_crds:  # prometheus-operator's own CRDs, which scripts/testbin extracts
            crds += [os.path.join(self.cluster.env["TESTBIN_DIR"], "prometheus-operator-crds",
                                  f"monitoring.coreos.com_{p}.yaml")
                     for p in ("servicemonitors", "prometheusrules", "alertmanagerconfigs")]
        names = []
        for crd in crds:
            names += self.cluster.kubectl("apply", "--server-side", "-o", "name", "-f", crd).split()

        def established(name):
            crd = self.kube.json("GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name.split('/')[-1]}")
            return any(c["type"] == "Established" and c["status"] == "True"
                       for c in (crd.get("status") or {}).get("conditions") or [])

        for name in names:
            self.wait_until(f"{name} Established", lambda: established(name), 60)
        self.cluster.kubectl("wait", "--for=condition=Ready", "node", "-l", "vllm-bench/node=true", "--timeout=120s")
        for ns in self.namespaces:
            self.wait_until_sa(ns)
        group_version = self.api_version
        disc = self.kube.json("GET", f"/apis/{group_version}" if "/" in group_version else f"/api/{group_version}")
        self.plural = next(r["name"] for r in disc["resources"] if r["kind"] == self.kind and "/" not in r["name"])
        self.result["cluster"] = {"setup_seconds": rnd(time.time() - t_cluster), "gpu_nodes": nodes,
                                  "gpus_per_node": a.gpus_per_node, "namespaces": len(self.namespaces),
                                  "service_cidr": a.service_cidr}
        log(f"N={n}: cluster ready ({nodes} bench GPU nodes) in {time.time() - t_cluster:.0f}s")

        # Watches first: they see every change from here on.
        self.obs = Observed(self.kind, self.namespaces, ready_checks(a.ready))
        self.stop = threading.Event()
        cr_all = f"/apis/{self.api_version}/{self.plural}"
        for path, fn in ((cr_all, self.obs.on_cr), ("/apis/apps/v1/deployments", self.obs.on_deployment),
                         ("/api/v1/pods", self.obs.on_pod)):
            threading.Thread(target=self.kube.watch, args=(path, fn, self.stop), daemon=True).start()

        # The operator, under its own user.
        okc = os.path.join(self.workdir, "operator.kubeconfig")
        self.cluster.user_kubeconfig(OPERATOR_USER, okc)
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBERNETES_")}
        env.update(KUBECONFIG=okc, POD_NAMESPACE=a.operator_namespace)
        self.op = Operator(a.operator_cmd, a.metrics_url, a.reconcile_metric, self.workdir, env)
        self.op.start()
        self.result["startup"] = self.wait_watching(self.op.started_at)
        time.sleep(2)  # let the other informers finish their initial lists

        self.measure_create()
        for step in (self.measure_idle, self.measure_storage, self.measure_restart, self.measure_spec_change):
            try:
                step()
            except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
                # One step's failure is reported in the results; the others are still measured.
                log(f"N={self.n}: {step.__name__} failed: {e}")
                self.result.setdefault("errors", {})[step.__name__] = str(e)
                if getattr(self, "op", None) and not self.op.alive():
                    self.op.start()
                    self.wait_watching(self.op.started_at)
        return self.result

    def wait_until_sa(self, ns):
        self.wait_until(f"ServiceAccount {ns}/default",
                        lambda: self.kube.request("GET", f"/api/v1/namespaces/{ns}/serviceaccounts/default")[0] == 200,
                        90)

    def wait_watching(self, since):
        """Until the operator watches its custom resource (audit log): it is up and listening."""
        found = {}

        def watching():
            for r in self.audit.requests():
                if (r["user"] == OPERATOR_USER and r["verb"] == "watch" and r["plural"] == self.plural
                        and r["time"] >= since):
                    found["t"] = r["time"]
                    return True
            return False

        self.wait_until("the operator to watch its CRs", watching, self.a.timeout)
        t = found.get("t")
        return {"seconds": rnd(t - since) if t else None}

    def measure_create(self):
        a, n, obs = self.a, self.n, self.obs
        log(f"N={n}: applying {n} {self.kind}s")
        cpu0 = proc_sample(self.op.proc.pid)["cpu_seconds"]
        cp0 = control_plane_cpu(self.cluster_dir)
        reconciles0 = self.op.reconciles()
        t0 = time.time()
        applied = self.apply(a.image_tag)
        t_applied = time.time()
        self.applied = applied
        self.wait_until("all Deployments", lambda: len(obs.deploy_seen) >= n, a.timeout)
        self.wait_until("all pods Ready", lambda: obs.ready_pods() >= n, a.timeout)
        pods_ready_at = time.time()
        self.wait_until("all CRs Ready", lambda: sum(obs.cr_ready_now.values()) >= n, a.timeout)
        t_conv = time.time()
        proc = proc_sample(self.op.proc.pid)
        cpu_conv = proc["cpu_seconds"] - cpu0
        reconciles1 = self.op.reconciles()
        control_plane = cpu_delta(cp0, control_plane_cpu(self.cluster_dir))
        jpid = java_pid(self.op.proc.pid)
        if jpid:
            proc.update(jvm_heap_after_gc(jpid))
        elif self.op.metrics_url:
            proc["heap_inuse_bytes_no_gc"] = self.op.metric("go_memstats_heap_inuse_bytes")
        last_write = self.settle(t0)
        t_end = max(last_write, t_conv) + 0.001
        keys = [f"{ns}/{name}" for ns, name in self.crs]
        with obs.lock:
            dep_lat = [obs.deploy_seen[k] - applied[k][0] if k in obs.deploy_seen else None for k in keys]
            ready_lat = [obs.cr_ready[k] - applied[k][0] if k in obs.cr_ready else None for k in keys]
            # The operator's own lag: its CR Ready after the controller-manager reported the
            # Deployment's replicas ready (what the operator waits for), per CR.
            lag = [obs.cr_ready[k] - obs.rollout_done[k]
                   if k in obs.cr_ready and k in obs.rollout_done else None for k in keys]
            deploys_ready = sorted(obs.rollout_done.values())
            deploys = sorted(obs.deploy_seen.values())
            readies = sorted(obs.cr_ready.values())
        reqs = self.audit.requests()
        self.create_window = (t0, t_end)
        self.result["create"] = {
            "apply_seconds": rnd(t_applied - t0),
            "first_deployment_s": rnd(deploys[0] - t0) if deploys else None,
            "all_deployments_s": rnd(deploys[-1] - t0) if len(deploys) >= n else None,
            "all_pods_ready_s": rnd(pods_ready_at - t0),
            "all_deployments_ready_s": rnd(deploys_ready[-1] - t0) if len(deploys_ready) >= n else None,
            "all_crs_ready_s": rnd(readies[-1] - t0) if len(readies) >= n else None,
            "deployment_latency": summary(dep_lat),
            "ready_latency": summary(ready_lat),
            "ready_after_deployment_ready": summary(lag),
            "cpu_seconds": rnd(cpu_conv),
            "reconciles": (reconciles1 - (reconciles0 or 0)) if reconciles1 is not None else None,
            "control_plane_cpu_seconds": control_plane,
            "process": proc,
            "window_s": rnd(t_end - t0),
            "requests": count_requests(reqs, OPERATOR_USER, t0, t_end),
        }
        c = self.result["create"]
        log(f"N={n}: all Deployments {c['all_deployments_s']}s, pods Ready {c['all_pods_ready_s']}s, "
            f"CRs Ready {c['all_crs_ready_s']}s, CPU {c['cpu_seconds']}s, RSS {mib(proc['rss_bytes']):.0f} MiB")

    def measure_idle(self):
        a = self.a
        log(f"N={self.n}: idle for {a.idle}s")
        cpu0, t0 = proc_sample(self.op.proc.pid)["cpu_seconds"], time.time()
        time.sleep(a.idle)
        cpu1, t1 = proc_sample(self.op.proc.pid)["cpu_seconds"], time.time()
        reqs = self.audit.requests()
        self.result["idle"] = {
            "seconds": rnd(t1 - t0, 1),
            "cpu_seconds": rnd(cpu1 - cpu0),
            "cpu_seconds_per_minute": rnd((cpu1 - cpu0) / (t1 - t0) * 60),
            "requests": count_requests(reqs, OPERATOR_USER, t0, t1),
            "process_end": proc_sample(self.op.proc.pid),
        }

    def measure_storage(self):
        """Bytes of the objects the operator created at creation, in etcd and as API JSON."""
        t0, t1 = self.create_window
        objs = created_objects(self.audit.requests(), OPERATOR_USER, self.op.started_at, t1)
        per_cr = [o for o in objs if o[2] in set(self.namespaces)]
        shared = [o for o in objs if o[2] not in set(self.namespaces)]
        keys = self.cluster.etcdctl("get", "--prefix", "/registry/", "--keys-only").decode().split()
        by_suffix = {}
        for k in keys:
            parts = k.split("/")
            if len(parts) >= 4:
                by_suffix.setdefault((parts[-2], parts[-1]), []).append(k)
        sizes, kinds, missing = {}, {}, 0

        def etcd_key(group, plural, ns, name):
            # /registry/[<group>/]<plural>/<ns>/<name>; Services are under services/specs (and
            # services/endpoints holds the Endpoints of the same name).
            found = [k for k in by_suffix.get((ns, name), [])
                     if k.split("/")[2:-2] in ([group, plural], [plural], ["services", "specs"] if plural == "services" else None)]
            return found[0] if found else None

        def value_size(key):
            out = json.loads(self.cluster.etcdctl("get", key, "-w", "json"))
            kvs = out.get("kvs") or []
            return len(base64.b64decode(kvs[0]["value"])) if kvs else None

        etcd_total = json_total = 0
        for group, plural, ns, name in per_cr:
            kind = plural + (f".{group}" if group else "")
            if plural == "events":
                kinds.setdefault("events (not counted)", 0)
                kinds["events (not counted)"] += 1
                continue
            key = etcd_key(group, plural, ns, name)
            size = value_size(key) if key else None
            if size is None:
                missing += 1
                continue
            base = f"/apis/{group}/v1" if group else "/api/v1"
            jsize = None
            sizes.setdefault(kind, {"objects": 0, "etcd_bytes": 0, "json_bytes": 0})
            # The API's JSON of the object (what `kubectl get -o json` prints, without indentation).
            paths = self.api_paths(group, plural, ns, name)
            for p in paths:
                st, data = self.kube.request("GET", p)
                if st == 200:
                    jsize = len(json.dumps(json.loads(data), separators=(",", ":")))
                    break
            sizes[kind]["objects"] += 1
            sizes[kind]["etcd_bytes"] += size
            sizes[kind]["json_bytes"] += jsize or 0
            etcd_total += size
            json_total += jsize or 0
        cr_bytes = 0
        for ns, name in self.crs:
            k = etcd_key(self.api_version.split("/")[0], self.plural, ns, name)
            cr_bytes += value_size(k) or 0 if k else 0
        n = self.n
        self.result["storage"] = {
            "how": "etcd: value bytes of each object's key (etcdctl get; protobuf for built-in kinds, JSON "
                   "for custom resources); json: compact JSON of a GET of the object",
            "objects_per_cr_total": sum(v["objects"] for v in sizes.values()),
            "by_kind": sizes,
            "not_counted": kinds,
            "not_found": missing,
            "etcd_bytes_per_cr": rnd(etcd_total / n, 0),
            "json_bytes_per_cr": rnd(json_total / n, 0),
            "cr_etcd_bytes_per_cr": rnd(cr_bytes / n, 0),
            "shared_objects": [f"{p}.{g}/{ns}/{nm}" if g else f"{p}/{ns}/{nm}" for g, p, ns, nm in shared],
        }

    def api_paths(self, group, plural, ns, name):
        if not group:
            return [f"/api/v1/namespaces/{ns}/{plural}/{name}"]
        disc = self.kube.json("GET", f"/apis/{group}")
        versions = [v["groupVersion"] for v in disc.get("versions", [])]
        return [f"/apis/{gv}/namespaces/{ns}/{plural}/{name}" for gv in versions]

    def measure_restart(self):
        a, n = self.a, self.n
        log(f"N={n}: restarting the operator")
        t_stop = time.time()
        self.op.stop()
        t_stopped = time.time()
        self.op.start()
        t0 = self.op.started_at
        first, last_change, last_count = None, t0, None
        deadline = t0 + a.restart_window
        while time.time() < deadline:
            count = self.op.reconciles()
            now = time.time()
            if count is not None and count > 0 and first is None:
                first = now
            if count != last_count and count is not None:
                last_change, last_count = now, count
            writes = [r["time"] for r in self.audit.requests()
                      if r["user"] == OPERATOR_USER and r["verb"] in WRITE_VERBS and r["time"] >= t0]
            last_activity = max([last_change] + writes)
            if first is not None and now - last_activity >= a.quiet:
                break
            time.sleep(0.5)
        now = time.time()
        idle_again = (last_activity - t0) if (first is not None and now - last_activity >= a.quiet) else None
        reqs = self.audit.requests()
        self.result["restart"] = {
            "stop_seconds": rnd(t_stopped - t_stop),
            "watching_crs_s": rnd(min((r["time"] for r in reqs if r["user"] == OPERATOR_USER and r["verb"] == "watch"
                                       and r["plural"] == self.plural and r["time"] >= t0), default=t0 - 1) - t0),
            "first_reconcile_s": rnd(first - t0) if first else None,
            "idle_again_s": rnd(idle_again),
            "window_s": rnd(now - t0),
            "reconciles": last_count,
            "requests": count_requests(reqs, OPERATOR_USER, t0, now),
        }
        log(f"N={n}: restart: first reconcile {self.result['restart']['first_reconcile_s']}s, idle again "
            f"{self.result['restart']['idle_again_s']}s, writes {self.result['restart']['requests']['writes']}")

    def measure_spec_change(self):
        a, n, obs = self.a, self.n, self.obs
        log(f"N={n}: spec change to image tag {a.new_image_tag}")
        obs.reset(new_tag=a.new_image_tag)
        cpu0 = proc_sample(self.op.proc.pid)["cpu_seconds"]
        t0 = time.time()
        # The generation each CR reaches is known only after its apply: set it as the apply goes.
        applied = {}
        for i, (ns, name) in enumerate(self.crs):
            body = self.template.substitute(NAME=name, NAMESPACE=ns, INDEX=i, IMAGE_TAG=a.new_image_tag)
            t = time.time()
            obj = self.kube.json("PATCH", self.cr_path(ns, name) + f"?fieldManager={FIELD_MANAGER}&force=true",
                                 body, content_type="application/apply-patch+yaml")
            key = f"{ns}/{name}"
            applied[key] = t
            with obs.lock:
                obs.min_gen[key] = obj["metadata"].get("generation", 0)
                if obs.cr_ready_now.get(key) and obs.cr_ready.get(key, 0) < t:
                    obs.cr_ready_now[key] = False  # seen on the old generation
                    obs.cr_ready.pop(key, None)
        self.wait_until("all Deployments updated", lambda: len(obs.deploy_seen) >= n, a.timeout)
        self.wait_until("all rollouts complete", lambda: len(obs.rollout_done) >= n, a.timeout)

        def all_ready_after_rollout():
            with obs.lock:
                return all(obs.cr_ready_now.get(k) and k in obs.rollout_done for k in applied)

        self.wait_until("all CRs Ready again", all_ready_after_rollout, a.timeout)
        cpu = proc_sample(self.op.proc.pid)["cpu_seconds"] - cpu0
        last_write = self.settle(t0)
        t_end = max(last_write, time.time()) + 0.001
        with obs.lock:
            upd = [obs.deploy_seen.get(k) for k in applied]
            done = [obs.rollout_done.get(k) for k in applied]
            ready = [max(obs.cr_ready[k], obs.rollout_done[k]) if k in obs.cr_ready and k in obs.rollout_done
                     else None for k in applied]
        reqs = self.audit.requests()

        def last(ts):
            return rnd(max(ts) - t0) if ts and None not in ts else None

        self.result["spec_change"] = {
            "image_tag": a.new_image_tag,
            "apply_seconds": rnd(max(applied.values()) - t0),
            "all_deployments_updated_s": last(upd),
            "all_rollouts_done_s": last(done),
            "all_crs_ready_s": last(ready),
            "deployment_updated_latency": summary([u - applied[k] if u else None for k, u in zip(applied, upd)]),
            "cpu_seconds": rnd(cpu),
            "requests": count_requests(reqs, OPERATOR_USER, t0, t_end),
        }
        s = self.result["spec_change"]
        log(f"N={n}: spec change: Deployments {s['all_deployments_updated_s']}s, rollouts "
            f"{s['all_rollouts_done_s']}s, CRs Ready {s['all_crs_ready_s']}s")


# --- command line -----------------------------------------------------------------------------------


def git(*args):
    try:
        return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine():
    mem = cpu = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1048576, 1)
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "memory_gib": mem, "cpu": cpu, "kernel": platform.release(),
            "java": (subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines() or [""])[0]}


def cmd_scale(a, argv):
    ns = [int(x) for x in a.n.split(",") if x.strip()]
    run_id = time.strftime("%Y%m%d-%H%M%S") + f"-{a.label}"
    # Logs, audit logs, cluster state and the operator's credentials stay out of --out (often in git).
    work = os.path.join(CACHE, "bench", run_id)
    out = a.out or work
    os.makedirs(out, exist_ok=True)
    if not a.crds:
        a.crds = [os.path.join(REPO, "crds/vllmdeployments.vllm-operator.io-v1.yml")]
    if a.operator_cmd == DEFAULT_OPERATOR_CMD and not os.path.exists(os.path.join(REPO, "operator/target/vllm-operator.jar")):
        sys.exit("bench: operator/target/vllm-operator.jar is missing: mvn -B -DskipTests package")
    started = time.time()
    run = {"run": {
        "id": run_id, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(shlex.quote(x) for x in ["scripts/bench"] + argv),
        "commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "machine": machine(), "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "operator": {"label": a.label, "cmd": a.operator_cmd, "cr_template": os.path.relpath(a.cr_template, REPO),
                     "ready": a.ready, "crds": [os.path.relpath(c, REPO) for c in a.crds]},
        "settings": {"idle_s": a.idle, "quiet_s": a.quiet, "restart_window_s": a.restart_window,
                     "namespaces": a.namespaces, "gpus_per_node": a.gpus_per_node,
                     "image_tag": a.image_tag, "new_image_tag": a.new_image_tag}},
        "results": []}
    path = os.path.join(out, "results.json")
    for n in ns:
        workdir = os.path.join(work, f"n{n}")
        os.makedirs(workdir, exist_ok=True)
        try:
            run["results"].append(ScaleRun(a, n, workdir).run())
        except Exception as e:  # keep what was measured, say what failed
            log(f"N={n} failed: {e}\n{traceback.format_exc()}")
            run["results"].append({"n": n, "error": str(e), "loadavg_start": [0, 0, 0], "loadavg_end": list(os.getloadavg())})
        write_outputs(run, started, path)
    log(f"results: {path} and {path[:-5]}.md")


def write_outputs(run, started, path):
    run["run"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    run["run"]["duration_s"] = time.time() - started
    with open(path, "w") as f:
        json.dump(run, f, indent=2, sort_keys=False)
        f.write("\n")
    ok = {"run": run["run"], "results": [r for r in run["results"] if "error" not in r]}
    with open(path[:-5] + ".md", "w") as f:
        f.write(run_header(run) + "\n" + markdown([ok]))


def cmd_table(a):
    runs = []
    for p in a.files:
        with open(p) as f:
            runs.append(json.load(f))
    for run in runs:
        sys.stdout.write(run_header(run) + "\n")
    sys.stdout.write("\n" + markdown([{"run": r["run"], "results": [x for x in r["results"] if "error" not in x]}
                                      for r in runs]))


def interrupted(signum, frame):
    # As an exception, so every `finally` stops the operator and the cluster it started.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv):
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)  # a background job of a script ignores SIGINT otherwise
    p = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scale", help="run the scale benchmark for each N")
    s.add_argument("--n", default="10,100", help="comma-separated numbers of CRs, each on a fresh cluster (default 10,100)")
    s.add_argument("--operator-cmd", default=DEFAULT_OPERATOR_CMD,
                   help="how to start the operator; {repo} and {port} (a free port for its metrics) are "
                        "replaced; it gets KUBECONFIG (its own user) and POD_NAMESPACE (default: our jar)")
    s.add_argument("--label", default="vllm-operator", help="name of the operator in the results")
    s.add_argument("--cr-template", default=DEFAULT_TEMPLATE,
                   help="one custom resource, ${NAME} ${NAMESPACE} ${INDEX} ${IMAGE_TAG} replaced")
    s.add_argument("--crd", dest="crds", action="append", default=[],
                   help="CRD file to apply first (repeatable; default: crds/ of this repo)")
    s.add_argument("--no-monitoring-crds", dest="monitoring_crds", action="store_false",
                   help="do not install prometheus-operator's CRDs (installed by default, as on most clusters)")
    s.add_argument("--ready", action="append", default=None,
                   help="when a CR counts as Ready: PATH=VALUE or PATH=@OTHER_PATH, all must hold "
                        "(repeatable; default status.phase=Ready and status.observedGeneration=@metadata.generation)")
    s.add_argument("--metrics-url", default="http://127.0.0.1:{port}/metrics",
                   help="the operator's Prometheus metrics ({port} replaced); empty: none")
    s.add_argument("--reconcile-metric", default=r"operator_sdk_reconciliations_started_total",
                   help="regex of the metric names whose sum counts reconciles (restart figures)")
    s.add_argument("--idle", type=float, default=180, help="idle window after convergence, seconds (default 180)")
    s.add_argument("--quiet", type=float, default=10,
                   help="seconds without writes (and reconciles) that count as idle (default 10)")
    s.add_argument("--restart-window", type=float, default=180,
                   help="longest wait for the operator to be idle again after a restart (default 180 s)")
    s.add_argument("--timeout", type=float, default=900, help="longest wait for any convergence step (default 900 s)")
    s.add_argument("--namespaces", type=int, default=4, help="spread the CRs over this many namespaces (default 4)")
    s.add_argument("--gpus-per-node", type=int, default=8, help="GPUs per fake node (default 8)")
    s.add_argument("--service-cidr", default="10.0.0.0/16", help="service range of the cluster (default 10.0.0.0/16)")
    s.add_argument("--operator-namespace", default="vllm-operator", help="POD_NAMESPACE of the operator")
    s.add_argument("--image-tag", default="v0.33.0")
    s.add_argument("--new-image-tag", default="v0.33.1", help="the spec change: every CR gets this tag")
    s.add_argument("--out", help="directory of results.json and results.md (default: the work dir, "
                                 "~/.cache/vllm-operator/bench/<id>, which has the logs and audit logs)")
    s.add_argument("--keep-cluster", action="store_true", help="leave each cluster running (debugging)")
    t = sub.add_parser("table", help="one markdown table of several results.json files")
    t.add_argument("files", nargs="+")
    a = p.parse_args(argv)
    if a.cmd == "scale":
        if a.ready is None:
            a.ready = ["status.phase=Ready", "status.observedGeneration=@metadata.generation"]
        a.cr_template = os.path.abspath(a.cr_template)
        a.crds = [os.path.abspath(c) for c in a.crds]
        cmd_scale(a, argv)
    else:
        cmd_table(a)


if __name__ == "__main__":
    main(sys.argv[1:])
