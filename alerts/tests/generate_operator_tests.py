#!/usr/bin/env python3
"""Generates operator-alerts-test.yaml, the promtool unit tests of ../operator-alerts.yaml.

    python3 alerts/tests/generate_operator_tests.py   # rewrites alerts/tests/operator-alerts-test.yaml

The YAML is committed; edit THIS file and regenerate rather than editing the YAML by hand. Needs
PyYAML (Debian: python3-yaml). The tests run against rendered/operator-alerts.yaml, which the Java
test OperatorAlertsTest writes from the chart's PrometheusRule as `helm template vllm-operator
charts/vllm-operator -n vllm-operator --api-versions monitoring.coreos.com/v1` renders it (release
namespace vllm-operator, job vllm-operator, default runbook URLs): the rules exactly as shipped.

For every alert there are test groups for: a sustained breach (fires, with exact labels and
annotations, and is still pending before `for` elapsed), a short spike (never fires), a value at or
below the threshold (never fires), and the same breach of another operator (another release in
namespace team-b, and another JOSDK operator with job other-operator in the same namespace: never
fires). Series look like what Prometheus stores for the chart's ServiceMonitor on Service
vllm-operator-metrics scraping the operator's /metrics: the metric names, labels and histogram
buckets are the real jar's (OperatorSelfMonitoringIT checks that every name used exists).
"""
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "operator-alerts-test.yaml")
RUNBOOK = "https://github.com/vllm-operator/vllm-operator/blob/main/alerts/runbooks/"
NS, JOB = "vllm-operator", "vllm-operator"

# Micrometer's default timer histogram (1 ms .. 30 s), as the operator's /metrics exposes it.
RECONCILE_BUCKETS = [
    "0.001", "0.001048576", "0.001398101", "0.001747626", "0.002097151", "0.002446676",
    "0.002796201", "0.003145726", "0.003495251", "0.003844776", "0.004194304", "0.005592405",
    "0.006990506", "0.008388607", "0.009786708", "0.011184809", "0.01258291", "0.013981011",
    "0.015379112", "0.016777216", "0.022369621", "0.027962026", "0.033554431", "0.039146836",
    "0.044739241", "0.050331646", "0.055924051", "0.061516456", "0.067108864", "0.089478485",
    "0.111848106", "0.134217727", "0.156587348", "0.178956969", "0.20132659", "0.223696211",
    "0.246065832", "0.268435456", "0.357913941", "0.447392426", "0.536870911", "0.626349396",
    "0.715827881", "0.805306366", "0.894784851", "0.984263336", "1.073741824", "1.431655765",
    "1.789569706", "2.147483647", "2.505397588", "2.863311529", "3.22122547", "3.579139411",
    "3.937053352", "4.294967296", "5.726623061", "7.158278826", "8.589934591", "10.021590356",
    "11.453246121", "12.884901886", "14.316557651", "15.748213416", "17.179869184", "22.906492245",
    "28.633115306", "30.0", "+Inf"]


# ------------------------------------------------------------------ targets
def target(pod, ip, namespace=NS, job=JOB):
    """An operator pod as scraped through the chart's ServiceMonitor (prometheus-operator labels)."""
    return {"namespace": namespace, "job": job, "service": f"{job}-metrics", "pod": pod,
            "instance": f"{ip}:8080", "endpoint": "http-metrics", "container": "operator"}


A = target("vllm-operator-7b9c6d5f4-k2x8p", "10.42.3.21")
B = target("vllm-operator-7b9c6d5f4-q9m4t", "10.42.4.22")
C = target("vllm-operator-5d8f7c6b9-h7v2n", "10.42.5.23")   # a newer ReplicaSet
D = target("vllm-operator-5d8f7c6b9-w3j6r", "10.42.6.24")
TEAM_B = target("team-b-vllm-operator-6f5d4c3b2-z8x7c", "10.43.1.31", namespace="team-b")
OTHER_JOB = target("other-operator-8c7b6a5d4-p5q6r", "10.42.7.25", job="other-operator")
OTHERS = [TEAM_B, OTHER_JOB]

JOSDK_GVK = {"group": "vllm-operator.io", "kind": "VllmDeployment", "version": "v1alpha1"}


# The tags of JOSDK's reconcile timer: one per controller (the operator drops the per-VllmDeployment
# resource_name and resource_namespace, see monitoring/ReconcileTimerPerController.java).
TIMER = {"controller": "vllmdeployment", "resource_group": "vllm-operator.io",
         "resource_kind": "VllmDeployment", "resource_scope": "namespace",
         "resource_version": "v1alpha1"}


def sel(name, labels):
    body = ", ".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{name}{{{body}}}"


# ------------------------------------------------------------------ value strings
def fmt(v):
    if v is None:
        return "_"
    if v == "stale" or v == "NaN":
        return v
    v = round(float(v), 6)
    return str(int(v)) if v == int(v) else repr(v)


def compress(values):
    """Explicit per-minute values -> promtool expanding notation ('a+bxn' = n+1 values)."""
    out, i = [], 0
    while i < len(values):
        v = values[i]
        if not isinstance(v, (int, float)):
            j = i
            while j + 1 < len(values) and values[j + 1] == v:
                j += 1
            n = j - i + 1
            out.append(f"_x{n}" if v is None and n > 1 else " ".join([fmt(v)] * n))
            i = j + 1
            continue
        j, d = i, 0
        if i + 1 < len(values) and isinstance(values[i + 1], (int, float)):
            d = round(values[i + 1] - v, 6)
            j = i + 1
            while j + 1 < len(values) and isinstance(values[j + 1], (int, float)) \
                    and round(values[j + 1] - values[j], 6) == d:
                j += 1
        n = j - i
        if n == 0:
            out.append(fmt(v))
        elif d == 0:
            out.append(f"{fmt(v)}x{n}")
        elif d > 0:
            out.append(f"{fmt(v)}+{fmt(d)}x{n}")
        else:
            out.append(f"{fmt(v)}-{fmt(-d)}x{n}")
        i = j + 1
    return " ".join(out)


def gauge(phases):
    """phases: [(minutes, value)] -> one sample per minute (None = no sample, 'stale', 'NaN')."""
    vals = []
    for minutes, value in phases:
        vals += [value] * minutes
    return compress(vals)


def counter(phases, absent_for=0):
    """phases: [(minutes, increase per minute)] -> cumulative samples from t=0 (value 0). With
    `absent_for`, no sample for that many minutes and the first one is the first increment: a
    Micrometer counter with these tags appears when it is first incremented."""
    if absent_for:
        vals, v = [None] * absent_for, 0
    else:
        vals, v = [0], 0
    for minutes, inc in phases:
        for _ in range(minutes):
            v += inc
            vals.append(v)
    return compress(vals)


def series(name, labels, values):
    return {"series": sel(name, labels), "values": values}


def up(t, phases):
    return series("up", t, gauge(phases))


# ------------------------------------------------------------------ expectations
def alert(name, labels, summary, description):
    return {"exp_labels": labels,
            "exp_annotations": {"summary": summary, "description": description,
                                "runbook_url": RUNBOOK + name + ".md"}}


def check(name, eval_time, *alerts):
    return {"eval_time": eval_time, "alertname": name, "exp_alerts": list(alerts)}


def none(name, *times):
    return [check(name, t) for t in times]


TESTS = []


def add(title, input_series, checks):
    TESTS.append({"name": title, "interval": "1m", "input_series": input_series,
                  "alert_rule_test": checks})


def leader(t, phases):
    return series("vllm_operator_leader", t, gauge(phases))


# ================================================================== VllmOperatorDown
down = alert(
    "VllmOperatorDown", {"namespace": NS, "job": JOB, "severity": "critical"},
    f"vllm-operator is down: no pod of {NS}/{JOB} answers",
    f"No vllm-operator pod in namespace {NS} (job {JOB}) has answered Prometheus' scrape for 5 minutes "
    "(pods up: 0). Nothing reconciles VllmDeployments: no rollout, rollback, scaling or repair happens, "
    "their status is not updated, and the model alerts built on the operator's metrics (rollouts, "
    "rollbacks) see nothing.")

add("VllmOperatorDown: both pods stop answering (targets still discovered)",
    [up(A, [(30, 1), (60, 0)]), up(B, [(30, 1), (60, 0)])],
    none("VllmOperatorDown", "29m", "33m")
    + [check("VllmOperatorDown", "36m", down), check("VllmOperatorDown", "80m", down)]
    + none("VllmOperatorNoLeader", "36m", "80m"))

add("VllmOperatorDown: every pod gone (no target at all)",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")])],
    none("VllmOperatorDown", "29m", "34m")
    + [check("VllmOperatorDown", "37m", down), check("VllmOperatorDown", "80m", down)])

add("VllmOperatorDown: a two-minute scrape outage",
    [up(A, [(30, 1), (2, 0), (58, 1)]), up(B, [(30, 1), (2, 0), (58, 1)])],
    none("VllmOperatorDown", "31m", "33m", "36m", "40m"))

add("VllmOperatorDown: one of two pods down (the other still answers)",
    [up(A, [(30, 1), (60, 0)]), up(B, [(90, 1)])],
    none("VllmOperatorDown", "40m", "80m"))

add("VllmOperatorDown: other operators down",
    [up(A, [(90, 1)]), up(B, [(90, 1)])] + [up(t, [(20, 1), (70, 0)]) for t in OTHERS],
    none("VllmOperatorDown", "40m", "80m"))


# ================================================================== VllmOperatorNoLeader
def no_leader(standbys):
    return alert(
        "VllmOperatorNoLeader", {"namespace": NS, "job": JOB, "severity": "critical"},
        f"vllm-operator has no leader: {standbys} pods in {NS} all wait as standbys",
        f"{standbys} vllm-operator pods run in namespace {NS}, and for 5 minutes none has held the leader "
        "election Lease, so nothing reconciles VllmDeployments. The standbys cannot acquire the Lease: the "
        "API server refuses or does not answer their Lease requests, or something outside this release "
        "keeps renewing it.")


add("VllmOperatorNoLeader: the leader is gone and the standbys never take over",
    [leader(A, [(30, 1), (1, "stale")]), leader(B, [(90, 0)]), leader(C, [(31, None), (59, 0)]),
     up(A, [(30, 1), (1, "stale")]), up(B, [(90, 1)]), up(C, [(31, None), (59, 1)])],
    none("VllmOperatorNoLeader", "29m", "34m")
    + [check("VllmOperatorNoLeader", "37m", no_leader(2)), check("VllmOperatorNoLeader", "80m", no_leader(2))]
    + none("VllmOperatorDown", "37m"))

add("VllmOperatorNoLeader: a standby takes over within a minute",
    [leader(A, [(30, 1), (1, "stale")]), leader(B, [(31, 0), (59, 1)]), leader(C, [(32, None), (58, 0)])],
    none("VllmOperatorNoLeader", "31m", "35m", "40m", "80m"))

add("VllmOperatorNoLeader: a handover that takes four minutes (below the 5m of for)",
    [leader(A, [(30, 1), (1, "stale")]), leader(B, [(34, 0), (56, 1)])],
    none("VllmOperatorNoLeader", "33m", "35m", "36m", "40m"))

add("VllmOperatorNoLeader: another operator without a leader",
    [leader(A, [(90, 1)]), leader(B, [(90, 0)])] + [leader(t, [(90, 0)]) for t in OTHERS],
    none("VllmOperatorNoLeader", "40m", "80m"))


# ================================================================== VllmOperatorReconcileErrors
def reconciles(t, deployments, per_min, failures=None, minutes=90):
    """JOSDK's reconcile counters of leader `t`: `per_min` reconciles per minute of each deployment,
    counted by the one timer of the controller;
    failures: (first minute, [(minutes, failures per minute)]) of the failure counter."""
    out = [series("operator_sdk_controllers_execution_reconcile_seconds_count",
                  {**t, **TIMER}, counter([(minutes, per_min * len(deployments))]))]
    if failures:
        start, phases = failures
        out.append(series("operator_sdk_controllers_execution_reconcile_failure_total",
                          {**t, "controller": "vllmdeployment", "exception": "OperatorException"},
                          counter(phases, absent_for=start)))
    return out


def reconcile_errors(pct):
    return alert(
        "VllmOperatorReconcileErrors", {"namespace": NS, "job": JOB, "severity": "warning"},
        f"vllm-operator: {pct} of VllmDeployment reconciles fail",
        f"{pct} of the VllmDeployment reconciles of the operator in {NS} failed over the last 5 minutes "
        "(threshold 10%), for 10 minutes. Failed reconciles are retried with backoff; the VllmDeployments "
        "concerned show Degraded=True with the reason (Forbidden, ApiServerRefused, ApiServerUnavailable, "
        "...) and a Warning Event.")


THREE = ["llama-8b", "qwen-7b", "mistral-7b"]

# 3 deployments x 10 reconciles/min; from minute 10 one of every two fails (RBAC lost, quota, ...).
add("VllmOperatorReconcileErrors: half of the reconciles fail from minute 10",
    reconciles(A, THREE, 10, failures=(10, [(80, 15)])),
    none("VllmOperatorReconcileErrors", "9m", "18m")
    + [check("VllmOperatorReconcileErrors", "25m", reconcile_errors("50%")),
       check("VllmOperatorReconcileErrors", "80m", reconcile_errors("50%"))])

add("VllmOperatorReconcileErrors: every reconcile fails for two minutes (API server restart)",
    reconciles(A, THREE, 10, failures=(10, [(2, 30), (78, 0)])),
    none("VllmOperatorReconcileErrors", "12m", "16m", "20m", "25m", "40m"))

add("VllmOperatorReconcileErrors: 1 failure in 12 reconciles (8%, below 10%)",
    reconciles(A, ["llama-8b"], 12, failures=(10, [(80, 1)])),
    none("VllmOperatorReconcileErrors", "25m", "60m"))

add("VllmOperatorReconcileErrors: other operators fail",
    reconciles(A, THREE, 10)
    + [s for t in OTHERS for s in reconciles(t, THREE, 10, failures=(1, [(89, 20)]))],
    none("VllmOperatorReconcileErrors", "25m", "60m"))


# ================================================================== VllmOperatorSlowReconciles
def histogram(t, phases):
    """JOSDK's reconcile timer of operator `t`: phases [(minutes, {bucket le: observations/min})]."""
    out = []
    for i, le in enumerate(RECONCILE_BUCKETS):
        below = set(RECONCILE_BUCKETS[: i + 1])
        per_phase = [(m, sum(c for ub, c in dist.items() if ub in below)) for m, dist in phases]
        out.append(series("operator_sdk_controllers_execution_reconcile_seconds_bucket",
                          {**t, **TIMER, "le": le}, counter(per_phase)))
    out.append(series("operator_sdk_controllers_execution_reconcile_seconds_count",
                      {**t, **TIMER},
                      counter([(m, sum(d.values())) for m, d in phases])))
    return out


def p95(dist):
    """histogram_quantile(0.95) of one minute's distribution, as Prometheus interpolates it."""
    total = sum(dist.values())
    rank, below, lower = 0.95 * total, 0, 0.0
    for le in RECONCILE_BUCKETS:
        n = dist.get(le, 0)
        if below + n >= rank and n > 0:
            return lower + (float(le) - lower) * (rank - below) / n
        below += n
        lower = float(le) if le != "+Inf" else lower
    raise ValueError(dist)


def humanize_duration(seconds):
    """Prometheus' humanizeDuration for 1 <= seconds < 60."""
    return "%.4gs" % seconds


def slow(value):
    d = humanize_duration(value)
    return alert(
        "VllmOperatorSlowReconciles", {"namespace": NS, "job": JOB, "severity": "warning"},
        f"vllm-operator: VllmDeployment reconciles are slow (p95 {d})",
        f"The 95th percentile of the VllmDeployment reconcile duration of the operator in {NS} is {d} over "
        "the last 5 minutes (threshold 5s), for 10 minutes. Changes to VllmDeployments, and rollbacks, take "
        "effect late.")


FAST = {"0.268435456": 9}                           # ~0.25 s: a normal reconcile
SLOW = {"0.268435456": 8, "7.158278826": 2}         # 20% take 5.7-7.2 s: p95 in that bucket
NEAR = {"0.268435456": 8, "4.294967296": 2}         # 20% take 3.9-4.3 s: p95 below 5 s
assert p95(SLOW) > 5 > p95(NEAR)

add("VllmOperatorSlowReconciles: a fifth of the reconciles take 6-7 s from minute 10 (API server slow)",
    histogram(A, [(10, FAST), (80, SLOW)]),
    none("VllmOperatorSlowReconciles", "9m", "18m")
    + [check("VllmOperatorSlowReconciles", "25m", slow(p95(SLOW))),
       check("VllmOperatorSlowReconciles", "80m", slow(p95(SLOW)))])

add("VllmOperatorSlowReconciles: three slow minutes",
    histogram(A, [(10, FAST), (3, SLOW), (77, FAST)]),
    none("VllmOperatorSlowReconciles", "13m", "16m", "20m", "25m", "40m"))

add("VllmOperatorSlowReconciles: slow but below 5 s",
    histogram(A, [(10, FAST), (80, NEAR)]),
    none("VllmOperatorSlowReconciles", "25m", "60m"))

add("VllmOperatorSlowReconciles: other operators slow",
    histogram(A, [(90, FAST)]) + [s for t in OTHERS for s in histogram(t, [(90, SLOW)])],
    none("VllmOperatorSlowReconciles", "25m", "60m"))


# ================================================================== VllmOperatorReconcileBacklog
def pool(t, phases):
    """JOSDK's gauges: phases [(minutes, (handed to the pool, running))]."""
    return [series("operator_sdk_reconciliations_queue_size_vllmdeployment", {**t, **JOSDK_GVK},
                   gauge([(m, q) for m, (q, _) in phases])),
            series("operator_sdk_reconciliations_executions_vllmdeployment", {**t, **JOSDK_GVK},
                   gauge([(m, e) for m, (_, e) in phases]))]


def backlog(waiting, t=A):
    return alert(
        "VllmOperatorReconcileBacklog", {**t, **JOSDK_GVK, "severity": "warning"},
        f"vllm-operator: {waiting} VllmDeployment reconciles wait for a worker",
        f"{waiting} VllmDeployment reconciles in pod {t['pod']} ({NS}) wait for a free worker thread, and some "
        "have waited without a break for 10 minutes: all 50 threads are busy. Reconciles do not keep up, so "
        "changes and rollbacks are applied late.")


add("VllmOperatorReconcileBacklog: all 50 workers busy and 12 more waiting from minute 10",
    pool(A, [(10, (3, 3)), (80, (62, 50))]),
    none("VllmOperatorReconcileBacklog", "9m", "18m")
    + [check("VllmOperatorReconcileBacklog", "21m", backlog(12)),
       check("VllmOperatorReconcileBacklog", "80m", backlog(12))])

add("VllmOperatorReconcileBacklog: a five-minute burst (resync of a large fleet)",
    pool(A, [(10, (3, 3)), (5, (400, 50)), (75, (2, 2))]),
    none("VllmOperatorReconcileBacklog", "12m", "15m", "20m", "30m"))

add("VllmOperatorReconcileBacklog: all workers busy, none waiting",
    pool(A, [(90, (50, 50))]),
    none("VllmOperatorReconcileBacklog", "30m", "80m"))

add("VllmOperatorReconcileBacklog: other operators with a backlog",
    pool(A, [(90, (1, 1))]) + [s for t in OTHERS for s in pool(t, [(90, (80, 50))])],
    none("VllmOperatorReconcileBacklog", "30m", "80m"))


# ================================================================== VllmOperatorKubernetesApiErrors
def requests(t, method, code, per_min, absent_for=0, after=None):
    """vllm_operator_kubernetes_client_requests_total of one method and code."""
    phases = after if after is not None else [(90 - absent_for, per_min)]
    return series("vllm_operator_kubernetes_client_requests_total", {**t, "code": code, "method": method},
                  counter(phases, absent_for))


def api_errors(pct, t=A):
    return alert(
        "VllmOperatorKubernetesApiErrors", {"namespace": NS, "job": JOB, "pod": t["pod"], "severity": "warning"},
        f"vllm-operator: {pct} of the API requests of {t['pod']} fail",
        f"{pct} of the Kubernetes API requests of operator pod {t['pod']} ({NS}) failed over the last 5 "
        "minutes (threshold 5%; no response, 401, 403, 429, 5xx and other errors, not 404/409/410), for 10 "
        "minutes. The operator's RBAC may be missing a permission, the API server may be overloaded or "
        "unreachable.")


def healthy_leader(t):
    return [requests(t, "GET", "200", 100), requests(t, "PATCH", "200", 20), requests(t, "PUT", "200", 30)]


add("VllmOperatorKubernetesApiErrors: the leader's server-side applies are forbidden from minute 10",
    healthy_leader(A) + [requests(A, "PATCH", "403", 50, absent_for=10)],
    none("VllmOperatorKubernetesApiErrors", "9m", "18m")
    + [check("VllmOperatorKubernetesApiErrors", "25m", api_errors("25%")),
       check("VllmOperatorKubernetesApiErrors", "80m", api_errors("25%"))])

add("VllmOperatorKubernetesApiErrors: a standby cannot read its Lease (every 2 s)",
    healthy_leader(A) + [requests(B, "GET", "403", 30, absent_for=10)],
    none("VllmOperatorKubernetesApiErrors", "18m")
    + [check("VllmOperatorKubernetesApiErrors", "25m", api_errors("100%", B))])

add("VllmOperatorKubernetesApiErrors: the API server restarts (two minutes without answers)",
    healthy_leader(A) + [requests(A, "GET", "<error>", 0, absent_for=10, after=[(2, 200), (78, 0)])],
    none("VllmOperatorKubernetesApiErrors", "12m", "16m", "20m", "30m"))

add("VllmOperatorKubernetesApiErrors: normal work (404 lookups, 409 conflicts, 410 expired watches)",
    healthy_leader(A) + [requests(A, "GET", "404", 40), requests(A, "PUT", "409", 10),
                         requests(A, "GET", "410", 1)],
    none("VllmOperatorKubernetesApiErrors", "30m", "80m"))

add("VllmOperatorKubernetesApiErrors: 4% of the requests throttled (429), below 5%",
    healthy_leader(A) + [requests(A, "GET", "429", 6.25, absent_for=10)],
    none("VllmOperatorKubernetesApiErrors", "30m", "80m"))

add("VllmOperatorKubernetesApiErrors: other operators' requests fail",
    healthy_leader(A) + [requests(t, "GET", "403", 50) for t in OTHERS] + [requests(t, "GET", "200", 50) for t in OTHERS],
    none("VllmOperatorKubernetesApiErrors", "30m", "80m"))


# ================================================================== VllmOperatorLeaderFlapping
T0 = 1796205600  # the Unix time of minute 0 of the test


def acquired(t, phases):
    """vllm_operator_leadership_acquired_timestamp_seconds: phases [(minutes, minute it became the
    leader | 'NaN' for a standby | None for no sample (restarting))]."""
    return series("vllm_operator_leadership_acquired_timestamp_seconds", t,
                  gauge([(m, T0 + 60 * v if isinstance(v, int) else v) for m, v in phases]))


def flapping(changes):
    return alert(
        "VllmOperatorLeaderFlapping", {"namespace": NS, "job": JOB, "severity": "warning"},
        f"vllm-operator: the leader changed {changes} times in the last hour",
        f"A new vllm-operator leader took over {changes} times in the last hour in namespace {NS} "
        "(threshold 3). Every change stops reconciling for up to one lease duration; leaders that keep "
        "losing the Lease or restarting mean the pods crash, are evicted, or cannot renew the Lease in "
        "time (API server slow, CPU throttled).")


# The leader loses the Lease every 10 minutes and restarts as a standby; the other pod takes over.
add("VllmOperatorLeaderFlapping: the two pods take turns every 10 minutes",
    [acquired(A, [(10, 0), (1, None), (9, "NaN"), (10, 20), (1, None), (9, "NaN"), (10, 40), (1, None), (69, "NaN")]),
     acquired(B, [(10, "NaN"), (10, 10), (1, None), (9, "NaN"), (10, 30), (1, None), (9, "NaN"), (70, 50)])],
    none("VllmOperatorLeaderFlapping", "38m", "43m")
    + [check("VllmOperatorLeaderFlapping", "46m", flapping(4)),
       check("VllmOperatorLeaderFlapping", "55m", flapping(5))]
    # An hour after the last change the window holds none of them.
    + none("VllmOperatorLeaderFlapping", "115m"))

# Without leader election (one replica) the process leads from its start: a crash loop.
add("VllmOperatorLeaderFlapping: a single replica restarting every 5 minutes",
    [acquired(A, [(5, 0), (1, None), (5, 6), (1, None), (5, 12), (1, None), (5, 18), (1, None), (5, 24),
                  (1, None), (64, 30)])],
    none("VllmOperatorLeaderFlapping", "17m", "25m")
    + [check("VllmOperatorLeaderFlapping", "29m", flapping(4)), check("VllmOperatorLeaderFlapping", "40m", flapping(5))])

add("VllmOperatorLeaderFlapping: a rolling upgrade (two handovers)",
    [acquired(A, [(20, 0), (1, "stale")]), acquired(B, [(20, "NaN"), (2, 20), (1, "stale")]),
     acquired(C, [(21, None), (1, "NaN"), (68, 22)]), acquired(D, [(23, None), (67, "NaN")])],
    none("VllmOperatorLeaderFlapping", "25m", "40m", "80m"))

add("VllmOperatorLeaderFlapping: three changes in an hour (at the threshold, not above)",
    [acquired(A, [(10, 0), (1, None), (9, "NaN"), (10, 20), (1, None), (59, "NaN")]),
     acquired(B, [(10, "NaN"), (10, 10), (1, None), (9, "NaN"), (60, 30)])],
    none("VllmOperatorLeaderFlapping", "35m", "45m", "60m"))

add("VllmOperatorLeaderFlapping: other operators flapping",
    [acquired(A, [(90, 0)]), acquired(B, [(90, "NaN")])]
    + [acquired(t, [(5, 0), (5, 5), (5, 10), (5, 15), (5, 20), (65, 25)]) for t in OTHERS],
    none("VllmOperatorLeaderFlapping", "30m", "60m"))


# ------------------------------------------------------------------ output
class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, s):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="'" if any(c in s for c in ":{}#\"<") else None)


Dumper.add_representer(str, _str)
Dumper.ignore_aliases = lambda self, data: True

doc = {
    "rule_files": ["rendered/operator-alerts.yaml"],
    "evaluation_interval": "1m",
    "tests": TESTS,
}
header = ("# GENERATED by generate_operator_tests.py -- edit that file and re-run it, do not edit by hand.\n"
          "# promtool unit tests of ../operator-alerts.yaml as the chart renders it into rendered/ "
          "(OperatorAlertsTest writes it).\n")
with open(OUT, "w") as f:
    f.write(header)
    yaml.dump(doc, f, Dumper=Dumper, sort_keys=False, width=1000, allow_unicode=True)
print(f"wrote {OUT}: {len(TESTS)} test groups", file=sys.stderr)
