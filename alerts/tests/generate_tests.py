#!/usr/bin/env python3
"""Generates vllm-alerts-test.yaml, the promtool unit tests of ../vllm-alerts.yaml.

    python3 alerts/tests/generate_tests.py        # rewrites alerts/tests/vllm-alerts-test.yaml
    alerts/tests/render-local.sh                  # renders the template, runs promtool

The YAML is committed; edit THIS file and regenerate rather than editing the YAML by hand
(histogram bucket series are tedious to write). Needs PyYAML (Debian: python3-yaml).

The tests run against rendered/vllm-alerts.yaml: the template rendered for the fixture
VllmDeployment llm/llama-8b (job llama-8b, model llama-8b, default thresholds,
runbookBaseUrl https://runbooks.example.com/vllm).

For every alert there are test groups for: a sustained breach (fires, with exact labels and
annotations, and is still pending before `for` elapsed), a one-minute spike (never fires),
a value below the threshold (never fires) and the same breach on other deployments
(job llama-8b-v2 in namespace llm, job llama-8b in namespace other: never fires).
Series look like what Prometheus stores for a ServiceMonitor on Service llama-8b scraping
vLLM 0.11.0 (V1 metric names, real bucket boundaries, model_name/engine labels); the names the
alerts read are the same in 0.33.0. Where the versions differ (finish reasons: VllmHighErrorRate)
there are test groups for each of the supported versions 0.11.0 and 0.33.0.
"""
import math
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vllm-alerts-test.yaml")
RUNBOOK = "https://runbooks.example.com/vllm/"
MODEL = "llama-8b"

# vllm/v1/metrics buckets (reference/vllm-monitoring.md §1c)
TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
                7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0]
ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
               10.0, 20.0, 40.0, 80.0]
E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0,
               120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]


def le_str(x):
    """le label as prometheus_client writes it (floatToGoString): 1.0, 2.5, 2560.0, +Inf."""
    return "+Inf" if math.isinf(x) else repr(float(x))


# ------------------------------------------------------------------ targets
class Target:
    """A vLLM pod as scraped through the ServiceMonitor of Service <job> (prometheus-operator labels)."""

    def __init__(self, namespace, job, pod, ip, model=MODEL):
        self.namespace, self.job, self.pod, self.ip, self.model = namespace, job, pod, ip, model

    def labels(self):
        return {"namespace": self.namespace, "job": self.job, "service": self.job, "pod": self.pod,
                "instance": f"{self.ip}:8000", "endpoint": "http", "container": "vllm"}

    def engine(self):
        return {**self.labels(), "model_name": self.model, "engine": "0"}


A = Target("llm", "llama-8b", "llama-8b-7d4b9c6f5-abcde", "10.42.0.15")
B = Target("llm", "llama-8b", "llama-8b-7d4b9c6f5-fghij", "10.42.1.16")
C = Target("llm", "llama-8b", "llama-8b-6c8d9f7b4-kq2zx", "10.42.2.17")   # a newer ReplicaSet
D = Target("llm", "llama-8b", "llama-8b-6c8d9f7b4-w7h5n", "10.42.3.18")
V2 = Target("llm", "llama-8b-v2", "llama-8b-v2-5f6d7c8b9-klmno", "10.42.0.21", "llama-8b-v2")
OTHER = Target("other", "llama-8b", "llama-8b-7d4b9c6f5-pqrst", "10.43.0.15")
OTHERS = [V2, OTHER]

OPERATOR = {"namespace": "vllm-operator", "job": "vllm-operator", "service": "vllm-operator",
            "pod": "vllm-operator-6c9f8d7b5-xk2lp", "instance": "10.42.5.9:8080",
            "endpoint": "metrics", "container": "operator"}
OPERATOR_RESTARTED = {**OPERATOR, "pod": "vllm-operator-6c9f8d7b5-r8t4v", "instance": "10.42.5.10:8080"}


def sel(name, labels):
    body = ", ".join(f'{k}="{v}"' for k, v in labels.items())
    return f"{name}{{{body}}}"


# ------------------------------------------------------------------ value strings
def fmt(v):
    if v is None:
        return "_"
    if v == "stale":
        return "stale"
    v = round(float(v), 6)
    return str(int(v)) if v == int(v) else repr(v)


def compress(values):
    """Explicit per-minute values -> promtool expanding notation ('a+bxn' = n+1 values)."""
    out, i = [], 0
    while i < len(values):
        v = values[i]
        if v is None or v == "stale":
            j = i
            while j + 1 < len(values) and values[j + 1] == v:
                j += 1
            n = j - i + 1
            out.append(fmt(v) if n == 1 else f"{fmt(v)}x{n}" if v is None else " ".join([fmt(v)] * n))
            i = j + 1
            continue
        j = i
        if i + 1 < len(values) and isinstance(values[i + 1], (int, float)):
            d = round(values[i + 1] - v, 6)
            j = i + 1
            while j + 1 < len(values) and isinstance(values[j + 1], (int, float)) \
                    and round(values[j + 1] - values[j], 6) == d:
                j += 1
        else:
            d = 0
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
    """phases: [(minutes, value)] -> one sample per minute (value None = no sample, 'stale')."""
    vals = []
    for minutes, value in phases:
        vals += [value] * minutes
    return compress(vals)


def counter(phases, start=0):
    """phases: [(minutes, increase per minute)] -> cumulative samples from t=0 (value `start`)."""
    vals, v = [start], start
    for minutes, inc in phases:
        for _ in range(minutes):
            v += inc
            vals.append(v)
    return compress(vals)


def histogram(metric, buckets, labels, phases):
    """phases: [(minutes, {bucket upper bound: observations per minute})]."""
    series = []
    bounds = buckets + [math.inf]
    for le in bounds:
        per_phase = [(m, sum(c for ub, c in dist.items() if ub <= le)) for m, dist in phases]
        series.append({"series": sel(metric + "_bucket", {**labels, "le": le_str(le)}),
                       "values": counter(per_phase)})
    count_phases = [(m, sum(dist.values())) for m, dist in phases]
    series.append({"series": sel(metric + "_count", labels), "values": counter(count_phases)})
    sum_phases = []
    for m, dist in phases:
        s = 0.0
        for ub, c in dist.items():
            lower = max([b for b in buckets if b < ub], default=0.0)
            upper = ub if not math.isinf(ub) else lower * 2
            s += c * (lower + upper) / 2
        sum_phases.append((m, round(s, 3)))
    series.append({"series": sel(metric + "_sum", labels), "values": counter(sum_phases)})
    return series


def up(target, phases):
    return {"series": sel("up", target.labels()), "values": gauge(phases)}


def operator_gauge(name, labels, phases, op=OPERATOR):
    return {"series": sel(name, {**op, **labels}), "values": gauge(phases)}


# ------------------------------------------------------------------ expectations
def alert(name, labels, summary, description):
    return {"exp_labels": labels,
            "exp_annotations": {"summary": summary, "description": description,
                                "runbook_url": RUNBOOK + name}}


def check(name, eval_time, *alerts):
    return {"eval_time": eval_time, "alertname": name, "exp_alerts": list(alerts)}


def none(name, *times):
    return [check(name, t) for t in times]


def group(title, series, checks):
    return {"name": title, "interval": "1m", "input_series": series, "alert_rule_test": checks}


TESTS = []


def add(title, series, checks):
    TESTS.append(group(title, series, checks))


# ================================================================== VllmTargetDown
def target_down_pod(t, still_up=1):
    return alert(
        "VllmTargetDown", {**t.labels(), "severity": "critical"},
        f"vLLM {t.namespace}/{t.job}: pod {t.pod} is down",
        f"Prometheus cannot scrape vLLM pod {t.pod} ({t.ip}:8000) of VllmDeployment {t.namespace}/llama-8b "
        f"(model llama-8b) for 5 minutes, although it served before; {still_up} pod(s) still serve. "
        f"Capacity is reduced; requests routed to it fail.")


DESIRED2 = operator_gauge("vllm_operator_deployment_replicas",
                          {"deployment_namespace": "llm", "deployment": "llama-8b", "state": "desired"},
                          [(120, 2)])

add("VllmTargetDown: a serving pod stops answering",
    [up(A, [(30, 1), (60, 0)]), up(B, [(90, 1)]), DESIRED2],
    none("VllmTargetDown", "20m", "33m")
    + [check("VllmTargetDown", "36m", target_down_pod(A)),
       check("VllmTargetDown", "80m", target_down_pod(A))])

add("VllmTargetDown: one-minute scrape failure",
    [up(A, [(30, 1), (1, 0), (59, 1)]), up(B, [(90, 1)]), DESIRED2],
    none("VllmTargetDown", "31m", "32m", "35m", "40m"))

add("VllmTargetDown: all targets up, and a new pod loading its model (never up yet)",
    [up(A, [(90, 1)]), up(B, [(90, 1)]), up(C, [(20, None), (70, 0)]), DESIRED2],
    none("VllmTargetDown", "30m", "60m", "89m"))

add("VllmTargetDown: other deployments down",
    [up(A, [(90, 1)])] + [up(t, [(20, 1), (70, 0)]) for t in OTHERS]
    + [operator_gauge("vllm_operator_deployment_replicas",
                      {"deployment_namespace": t.namespace, "deployment": t.job, "state": "desired"},
                      [(90, 1)]) for t in OTHERS] + [DESIRED2],
    none("VllmTargetDown", "30m", "60m"))

whole_down = alert(
    "VllmTargetDown", {"namespace": "llm", "job": "llama-8b", "severity": "critical"},
    "vLLM llm/llama-8b: no pod is serving",
    "Prometheus cannot scrape any vLLM pod of VllmDeployment llm/llama-8b (model llama-8b) for 5 minutes, "
    "although it served before; 0 pod(s) still serve. The model is not being served: every request fails.")

add("VllmTargetDown: every pod stops answering (one alert for the deployment, not one per pod)",
    [up(A, [(30, 1), (60, 0)]), up(B, [(32, 1), (58, 0)]), DESIRED2],
    none("VllmTargetDown", "29m", "33m", "36m")
    + [check("VllmTargetDown", "40m", whole_down), check("VllmTargetDown", "80m", whole_down)])

add("VllmTargetDown: all pods replaced, the new ones still loading (nothing serves)",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")]),
     up(C, [(31, None), (59, 0)]), up(D, [(31, None), (59, 0)]), DESIRED2],
    none("VllmTargetDown", "29m", "33m")
    + [check("VllmTargetDown", "37m", whole_down), check("VllmTargetDown", "80m", whole_down)])

add("VllmTargetDown: scaled to zero on purpose",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")]),
     operator_gauge("vllm_operator_deployment_replicas",
                    {"deployment_namespace": "llm", "deployment": "llama-8b", "state": "desired"},
                    [(30, 2), (60, 0)])],
    none("VllmTargetDown", "40m", "80m"))

add("VllmTargetDown: all pods replaced, the new ones come up within 3 minutes",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")]),
     up(C, [(31, None), (2, 0), (57, 1)]), up(D, [(31, None), (3, 0), (56, 1)]), DESIRED2],
    none("VllmTargetDown", "33m", "36m", "40m"))

# Without the operator's metrics (Prometheus does not scrape the operator): the third branch
# reads only the vLLM targets. A target that still exists (current `up` sample) and was up
# within 6h, and none up: page. A target that is gone has a staleness marker (pod deleted,
# scaled to zero); a pod still loading was never up.
add("VllmTargetDown: the only pod stops answering, operator not scraped",
    [up(A, [(30, 1), (60, 0)])],
    none("VllmTargetDown", "29m", "33m", "34m")
    + [check("VllmTargetDown", "35m", whole_down), check("VllmTargetDown", "80m", whole_down)])

add("VllmTargetDown: every pod stops answering, operator not scraped",
    [up(A, [(30, 1), (60, 0)]), up(B, [(32, 1), (58, 0)])],
    none("VllmTargetDown", "29m", "33m", "36m")
    + [check("VllmTargetDown", "38m", whole_down), check("VllmTargetDown", "80m", whole_down)])

add("VllmTargetDown: the only pod restarts and answers again within 3 minutes, operator not scraped",
    [up(A, [(30, 1), (3, 0), (57, 1)])],
    none("VllmTargetDown", "32m", "34m", "36m", "40m"))

add("VllmTargetDown: scaled to zero on purpose, operator not scraped",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")])],
    none("VllmTargetDown", "33m", "40m", "80m"))

add("VllmTargetDown: pods that never finished loading, operator not scraped",
    [up(C, [(90, 0)]), up(D, [(20, None), (70, 0)])],
    none("VllmTargetDown", "10m", "30m", "60m", "89m"))

add("VllmTargetDown: all pods replaced, the new ones still loading, operator not scraped",
    [up(A, [(30, 1), (1, "stale")]), up(B, [(30, 1), (1, "stale")]),
     up(C, [(31, None), (59, 0)]), up(D, [(31, None), (59, 0)])],
    none("VllmTargetDown", "33m", "37m", "80m"))


# ================================================================== VllmMetricsMissing
def engine_series(t, minutes, kv=0.4, skip=()):
    """The V1 series VllmMetricsMissing looks for, as present as on a healthy pod."""
    out = []
    if "running" not in skip:
        out.append({"series": sel("vllm:num_requests_running", t.engine()), "values": gauge([(minutes, 3)])})
    if "kv" not in skip:
        out.append({"series": sel("vllm:kv_cache_usage_perc", t.engine()), "values": gauge([(minutes, kv)])})
    if "ttft" not in skip:
        out.append({"series": sel("vllm:time_to_first_token_seconds_count", t.engine()),
                    "values": counter([(minutes - 1, 60)])})
    if "success" not in skip:
        for reason, inc in (("stop", 50), ("length", 8), ("abort", 1)):  # vLLM 0.11.0 reasons
            out.append({"series": sel("vllm:request_success_total", {**t.engine(), "finished_reason": reason}),
                        "values": counter([(minutes - 1, inc)])})
    return out


def samples(t, phases):
    return {"series": sel("scrape_samples_scraped", t.labels()), "values": gauge(phases)}


def metrics_missing(t, n):
    return alert(
        "VllmMetricsMissing", {**t.labels(), "severity": "warning"},
        f"vLLM {t.namespace}/{t.job}: pod {t.pod} exposes no vLLM V1 metrics",
        f"The scrape of {t.pod} ({t.ip}:8000, endpoint http) succeeds ({n} samples) but lacks at least one of "
        f"vllm:num_requests_running, vllm:kv_cache_usage_perc, vllm:time_to_first_token_seconds, "
        f"vllm:request_success_total for 10 minutes. Latency, saturation and error alerts for llama-8b "
        f"(model llama-8b) cannot fire until this is fixed.")


add("VllmMetricsMissing: wrong port scraped (target up, no vllm: series at all)",
    [up(A, [(60, 1)]), up(B, [(60, 1)]), samples(A, [(60, 62)]), samples(B, [(60, 554)]),
     {"series": sel("process_resident_memory_bytes", A.labels()), "values": gauge([(60, 2.1e9)])}]
    + engine_series(B, 60),
    none("VllmMetricsMissing", "5m", "9m")
    + [check("VllmMetricsMissing", "12m", metrics_missing(A, 62)),
       check("VllmMetricsMissing", "50m", metrics_missing(A, 62))])

add("VllmMetricsMissing: pre-V1 metric name (vllm:gpu_cache_usage_perc instead of kv_cache_usage_perc)",
    [up(A, [(60, 1)]), samples(A, [(60, 548)]),
     {"series": sel("vllm:gpu_cache_usage_perc", A.engine()), "values": gauge([(60, 0.4)])}]
    + engine_series(A, 60, skip=("kv",)),
    [check("VllmMetricsMissing", "30m", metrics_missing(A, 548))])

add("VllmMetricsMissing: series missing from one scrape only",
    [up(A, [(60, 1)]), samples(A, [(60, 554)])]
    + [{"series": s["series"], "values": s["values"]} for s in engine_series(A, 60) if "running" not in s["series"]]
    + [{"series": sel("vllm:num_requests_running", A.engine()), "values": gauge([(20, 3), (1, "stale"), (39, 3)])}],
    none("VllmMetricsMissing", "21m", "25m", "31m", "40m"))

add("VllmMetricsMissing: healthy pods",
    [up(A, [(60, 1)]), up(B, [(60, 1)]), samples(A, [(60, 554)]), samples(B, [(60, 554)])]
    + engine_series(A, 60) + engine_series(B, 60),
    none("VllmMetricsMissing", "30m", "59m"))

add("VllmMetricsMissing: other deployments without vLLM metrics",
    [up(A, [(60, 1)]), samples(A, [(60, 554)])] + engine_series(A, 60)
    + [up(t, [(60, 1)]) for t in OTHERS] + [samples(t, [(60, 62)]) for t in OTHERS],
    none("VllmMetricsMissing", "30m", "59m"))


# ================================================================== latency histograms
def latency_tests(alertname, metric, buckets, slow, fast, low_rate, severity, threshold_text, value_text,
                  summary_fmt, description_fmt, per_min=60):
    """slow/fast: bucket upper bound holding every observation of a slow/fast minute."""
    def hist(t, phases):
        return histogram(metric, buckets, t.engine(), phases)

    SLOW, FAST = {slow: per_min}, {fast: per_min}
    expected = alert(alertname, {"namespace": "llm", "job": "llama-8b", "severity": severity},
                     summary_fmt.format(threshold=threshold_text),
                     description_fmt.format(value=value_text, threshold=threshold_text))
    add(f"{alertname}: sustained breach on both pods (other deployments breach too)",
        hist(A, [(60, SLOW)]) + hist(B, [(60, SLOW)]) + sum((hist(t, [(60, SLOW)]) for t in OTHERS), []),
        none(alertname, "5m", "9m")
        + [check(alertname, "12m", expected), check(alertname, "40m", expected)])
    add(f"{alertname}: breach that starts late",
        hist(A, [(20, FAST), (40, SLOW)]),
        none(alertname, "20m", "29m") + [check(alertname, "32m", expected)])
    add(f"{alertname}: one-minute spike",
        hist(A, [(20, FAST), (1, SLOW), (39, FAST)]) + hist(B, [(20, FAST), (1, SLOW), (39, FAST)]),
        none(alertname, "21m", "23m", "25m", "30m", "32m", "40m"))
    add(f"{alertname}: below the threshold",
        hist(A, [(60, {fast: per_min - 3, slow: 3})]),   # 5% slow: p95 just inside the fast range
        none(alertname, "15m", "30m", "59m"))
    add(f"{alertname}: slow but almost no traffic",
        hist(A, [(60, {slow: low_rate})]),
        none(alertname, "15m", "30m", "59m"))
    add(f"{alertname}: only other deployments are slow",
        hist(A, [(60, FAST)]) + sum((hist(t, [(60, SLOW)]) for t in OTHERS), []),
        none(alertname, "15m", "30m", "59m"))


latency_tests(
    "VllmHighTimeToFirstToken", "vllm:time_to_first_token_seconds", TTFT_BUCKETS,
    slow=5.0, fast=0.25, low_rate=2, severity="critical", threshold_text="2", value_text="4.875s",
    summary_fmt="vLLM llm/llama-8b: p95 time to first token above {threshold}s",
    description_fmt="p95 time to first token of llm/llama-8b (model llama-8b) is {value} over the last "
                    "5 minutes, above the threshold of {threshold}s, for 10 minutes. Users wait that long "
                    "before the first token; requests are most likely queueing.")

latency_tests(
    "VllmHighInterTokenLatency", "vllm:inter_token_latency_seconds", ITL_BUCKETS,
    slow=0.4, fast=0.05, low_rate=30, severity="warning", threshold_text="0.2", value_text="395ms",
    per_min=600,
    summary_fmt="vLLM llm/llama-8b: p95 inter-token latency above {threshold}s",
    description_fmt="p95 inter-token latency of llm/llama-8b (model llama-8b) is {value} over the last "
                    "5 minutes, above the threshold of {threshold}s, for 10 minutes. Streaming output is "
                    "visibly slow; the batch is too large for the GPUs or preemptions recompute work.")

latency_tests(
    "VllmHighEndToEndLatency", "vllm:e2e_request_latency_seconds", E2E_BUCKETS,
    slow=50.0, fast=5.0, low_rate=2, severity="warning", threshold_text="30", value_text="49.5s",
    summary_fmt="vLLM llm/llama-8b: p95 end-to-end latency above {threshold}s",
    description_fmt="p95 end-to-end request latency of llm/llama-8b (model llama-8b) is {value} over the "
                    "last 5 minutes, above the threshold of {threshold}s, for 10 minutes. Clients with "
                    "shorter timeouts see failures.")


# ================================================================== gauges per pod
def gauge_tests(alertname, metric, breach, spike, below, for_minutes, severity, make_expected):
    def g(t, phases):
        return {"series": sel(metric, t.engine()), "values": gauge(phases)}

    add(f"{alertname}: sustained breach on one pod (other deployments breach too)",
        [g(A, [(60, breach)]), g(B, [(60, below)])] + [g(t, [(60, breach)]) for t in OTHERS],
        none(alertname, "2m", f"{for_minutes - 1}m")
        + [check(alertname, f"{for_minutes + 2}m", make_expected(A, breach)),
           check(alertname, "50m", make_expected(A, breach))])
    add(f"{alertname}: one-minute spike",
        [g(A, [(20, below), (1, spike), (39, below)]), g(B, [(20, below), (1, spike), (39, below)])],
        none(alertname, "20m", "21m", "25m", "31m", "40m"))
    add(f"{alertname}: below the threshold",
        [g(A, [(60, below)]), g(B, [(60, below)])],
        none(alertname, "15m", "30m", "59m"))
    add(f"{alertname}: only other deployments breach",
        [g(A, [(60, below)])] + [g(t, [(60, breach)]) for t in OTHERS],
        none(alertname, "15m", "30m", "59m"))


gauge_tests(
    "VllmKvCacheSaturated", "vllm:kv_cache_usage_perc", breach=0.95, spike=0.99, below=0.85,
    for_minutes=10, severity="warning",
    make_expected=lambda t, v: alert(
        "VllmKvCacheSaturated", {"namespace": t.namespace, "job": t.job, "pod": t.pod, "severity": "warning"},
        f"vLLM {t.namespace}/{t.job}: KV cache of {t.pod} above 90%",
        f"KV-cache usage of pod {t.pod} (model llama-8b) is 95%, above the threshold of 90%, for 10 minutes. "
        f"New requests wait for free blocks and running ones get preempted."))

gauge_tests(
    "VllmRequestQueueBacklog", "vllm:num_requests_waiting", breach=35, spike=120, below=15,
    for_minutes=5, severity="warning",
    make_expected=lambda t, v: alert(
        "VllmRequestQueueBacklog", {"namespace": t.namespace, "job": t.job, "pod": t.pod, "severity": "warning"},
        f"vLLM {t.namespace}/{t.job}: 35 requests waiting on {t.pod}",
        f"35 requests are waiting in the scheduler queue of pod {t.pod} (model llama-8b), above the threshold "
        f"of 20, for 5 minutes. Time to first token grows with the queue."))


# ================================================================== VllmHighErrorRate
# vllm/v1/engine/__init__.py FINISH_REASON_STRINGS. The Prometheus logger creates the series of
# every reason at start (value 0), so a reason of the version always has a series and a reason of
# another version never has one. HTTP series (prometheus-fastapi-instrumentator) only appear with
# the first request of their handler/method/status, so a 5xx series at 0 is never written here.
V011, V033 = "0.11.0", "0.33.0"
FINISH_REASONS = {V011: ("stop", "length", "abort"),
                  V033: ("stop", "length", "abort", "error", "repetition")}


def finished(t, phases_by_reason, version):
    reasons = FINISH_REASONS[version]
    unknown = set(phases_by_reason) - set(reasons)
    assert not unknown, f"vLLM {version} has no finish reason {sorted(unknown)}"
    minutes = max(sum(m for m, _ in p) for p in phases_by_reason.values())
    return [{"series": sel("vllm:request_success_total", {**t.engine(), "finished_reason": r}),
             "values": counter(phases_by_reason.get(r, [(minutes, 0)]))} for r in reasons]


def http(t, phases_by_status):
    out = []
    for (handler, method, status), p in phases_by_status.items():
        out.append({"series": sel("http_requests_total", {**t.labels(), "handler": handler, "method": method,
                                                          "status": status}),
                    "values": counter(p)})
    return out


CHAT = "/v1/chat/completions"


def healthy_traffic(t, version, minutes=60):
    return (finished(t, {"stop": [(minutes, 50)], "length": [(minutes, 9)], "abort": [(minutes, 1)]}, version)
            + http(t, {(CHAT, "POST", "2xx"): [(minutes, 60)], (CHAT, "POST", "4xx"): [(minutes, 3)],
                       ("/v1/models", "GET", "2xx"): [(minutes, 2)]}))


def error_rate(value):
    return alert(
        "VllmHighErrorRate", {"namespace": "llm", "job": "llama-8b", "severity": "critical"},
        f"vLLM llm/llama-8b: {value} of requests fail",
        f"{value} of the requests to llm/llama-8b (model llama-8b) failed over the last 5 minutes (worse of "
        f"HTTP 5xx and, where vLLM reports it, engine finished_reason=\"error\"), above the threshold of 5%, "
        f"for 5 minutes.")


# --- vLLM 0.11.0: no "error" finish reason, HTTP 5xx is the only error signal.
# 12 of 60 requests/min are 5xx (20%) on both pods, and on the other deployments too.
add(f"VllmHighErrorRate, vLLM {V011}: HTTP 5xx 20% on both pods (no error finish reason), other deployments too",
    sum((finished(t, {"stop": [(60, 40)], "length": [(60, 8)], "abort": [(60, 0)]}, V011)
         + http(t, {(CHAT, "POST", "2xx"): [(60, 48)], (CHAT, "POST", "5xx"): [(60, 12)],
                    (CHAT, "POST", "4xx"): [(60, 3)]})
         for t in [A, B] + OTHERS), []),
    none("VllmHighErrorRate", "3m", "5m")
    + [check("VllmHighErrorRate", "8m", error_rate("19.05%")),
       check("VllmHighErrorRate", "50m", error_rate("19.05%"))])

add(f"VllmHighErrorRate, vLLM {V011}: one minute of HTTP 5xx",
    finished(A, {"stop": [(20, 60), (1, 0), (39, 60)]}, V011)
    + http(A, {(CHAT, "POST", "2xx"): [(20, 60), (1, 0), (39, 60)],
               (CHAT, "POST", "5xx"): [(20, 0), (1, 60), (39, 0)]}),
    none("VllmHighErrorRate", "21m", "23m", "25m", "27m", "30m"))

add(f"VllmHighErrorRate, vLLM {V011}: HTTP 5xx 2%, below the threshold",
    finished(A, {"stop": [(60, 49)]}, V011)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 49)], (CHAT, "POST", "5xx"): [(60, 1)]}),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

add(f"VllmHighErrorRate, vLLM {V011}: every request fails but there is almost no traffic (1 request/min)",
    finished(A, {"stop": [(60, 0)]}, V011) + http(A, {(CHAT, "POST", "5xx"): [(60, 1)]}),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

add(f"VllmHighErrorRate, vLLM {V011}: 4xx are client errors, not counted",
    finished(A, {"stop": [(60, 40)]}, V011)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 40)], (CHAT, "POST", "4xx"): [(60, 20)]}),
    none("VllmHighErrorRate", "20m", "50m"))

add(f"VllmHighErrorRate, vLLM {V011}: only other deployments fail",
    healthy_traffic(A, V011)
    + sum((finished(t, {"stop": [(60, 30)]}, V011)
           + http(t, {(CHAT, "POST", "2xx"): [(60, 30)], (CHAT, "POST", "5xx"): [(60, 30)]}) for t in OTHERS), []),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

# --- vLLM 0.33.0: finished_reason="error" exists (pre-created at 0). An error in a streamed
# response is sent after the 200 status line, so it is no HTTP 5xx: only the engine ratio sees it.
# 6 of 60 finished requests/min end with "error" (10%); no 5xx at all.
add(f"VllmHighErrorRate, vLLM {V033}: finished_reason=error 10% on both pods, no HTTP 5xx (streamed), "
    f"other deployments too",
    sum((finished(t, {"stop": [(60, 45)], "length": [(60, 9)], "error": [(60, 6)]}, V033)
         + http(t, {(CHAT, "POST", "2xx"): [(60, 60)], (CHAT, "POST", "4xx"): [(60, 3)]})
         for t in [A, B] + OTHERS), []),
    none("VllmHighErrorRate", "3m", "5m")
    + [check("VllmHighErrorRate", "8m", error_rate("10%")), check("VllmHighErrorRate", "50m", error_rate("10%"))])

# engine 10%, HTTP 5xx 4 of 65 requests/min (6.15%): the worse one, not the sum
add(f"VllmHighErrorRate, vLLM {V033}: engine errors 10% and HTTP 5xx 6.2%: the worse of the two",
    sum((finished(t, {"stop": [(60, 45)], "length": [(60, 9)], "error": [(60, 6)]}, V033)
         + http(t, {(CHAT, "POST", "2xx"): [(60, 58)], (CHAT, "POST", "5xx"): [(60, 4)],
                    (CHAT, "POST", "4xx"): [(60, 3)]})
         for t in [A, B]), []),
    [check("VllmHighErrorRate", "8m", error_rate("10%")), check("VllmHighErrorRate", "50m", error_rate("10%"))])

# HTTP 5xx only (e.g. requests rejected before they reach the engine): 12 of 60 = 20%
add(f"VllmHighErrorRate, vLLM {V033}: HTTP 5xx only, finished_reason=error stays 0",
    finished(A, {"stop": [(60, 48)]}, V033)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 48)], (CHAT, "POST", "5xx"): [(60, 12)]}),
    [check("VllmHighErrorRate", "20m", error_rate("20%"))])

add(f"VllmHighErrorRate, vLLM {V033}: one minute of engine errors",
    finished(A, {"stop": [(20, 60), (1, 0), (39, 60)], "error": [(20, 0), (1, 60), (39, 0)]}, V033)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 60)]}),
    none("VllmHighErrorRate", "21m", "23m", "25m", "27m", "30m"))

add(f"VllmHighErrorRate, vLLM {V033}: 2% engine errors, below the threshold",
    finished(A, {"stop": [(60, 49)], "error": [(60, 1)]}, V033)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 49)], (CHAT, "POST", "5xx"): [(60, 1)]}),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

add(f"VllmHighErrorRate, vLLM {V033}: every request fails but there is almost no traffic (1 request/min)",
    finished(A, {"error": [(60, 1)]}, V033) + http(A, {(CHAT, "POST", "2xx"): [(60, 1)]}),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

add(f"VllmHighErrorRate, vLLM {V033}: repetition and abort are no errors",
    finished(A, {"stop": [(60, 30)], "repetition": [(60, 15)], "abort": [(60, 15)]}, V033)
    + http(A, {(CHAT, "POST", "2xx"): [(60, 60)]}),
    none("VllmHighErrorRate", "15m", "30m", "59m"))

add(f"VllmHighErrorRate, vLLM {V033}: only other deployments fail",
    healthy_traffic(A, V033)
    + sum((finished(t, {"stop": [(60, 30)], "error": [(60, 30)]}, V033)
           + http(t, {(CHAT, "POST", "2xx"): [(60, 30)], (CHAT, "POST", "5xx"): [(60, 30)]}) for t in OTHERS), []),
    none("VllmHighErrorRate", "15m", "30m", "59m"))


# ================================================================== VllmFrequentPreemptions
def preemptions(t, phases):
    return {"series": sel("vllm:num_preemptions_total", t.engine()), "values": counter(phases)}


def preempt_alert(t):
    return alert(
        "VllmFrequentPreemptions", {"namespace": t.namespace, "job": t.job, "pod": t.pod, "severity": "warning"},
        f"vLLM {t.namespace}/{t.job}: 2 preemptions/s on {t.pod}",
        f"Pod {t.pod} (model llama-8b) preempts 2 requests per second (threshold 1/s) for 10 minutes: "
        f"its KV cache is too small for the batch it schedules.")


add("VllmFrequentPreemptions: 2/s on one pod (other deployments too)",
    [preemptions(A, [(60, 120)]), preemptions(B, [(60, 6)])] + [preemptions(t, [(60, 120)]) for t in OTHERS],
    none("VllmFrequentPreemptions", "5m", "10m")
    + [check("VllmFrequentPreemptions", "13m", preempt_alert(A)),
       check("VllmFrequentPreemptions", "50m", preempt_alert(A))])
add("VllmFrequentPreemptions: a burst of 600 in one minute",
    [preemptions(A, [(20, 6), (1, 600), (39, 6)])],
    none("VllmFrequentPreemptions", "21m", "24m", "27m", "31m", "40m"))
add("VllmFrequentPreemptions: 0.5/s, below the threshold",
    [preemptions(A, [(60, 30)])],
    none("VllmFrequentPreemptions", "15m", "30m", "59m"))
add("VllmFrequentPreemptions: only other deployments preempt",
    [preemptions(A, [(60, 6)])] + [preemptions(t, [(60, 300)]) for t in OTHERS],
    none("VllmFrequentPreemptions", "15m", "30m", "59m"))


# ================================================================== operator metrics
def dep(ns="llm", name="llama-8b"):
    return {"deployment_namespace": ns, "deployment": name}


OTHER_DEPS = [dep("llm", "llama-8b-v2"), dep("other", "llama-8b")]


STUCK_CAUSE = {
    "InsufficientGpus":
        "a pod of the new revision cannot be scheduled for lack of free GPUs and spec.rollout.onInsufficientGpus "
        "makes the operator wait (condition Progressing=False, reason InsufficientGpus)",
    "RolloutFailed":
        "the new revision failed and was not rolled back, because spec.rollout.autoRollback is false or no earlier "
        "revision ever had all replicas Ready (the Degraded condition says why)",
    "ProgressDeadlineExceeded": "it did not complete within spec.rollout.progressDeadline",
    "ProgressingTooLong": "it has been Progressing with fewer updated than desired replicas for 6 hours",
}


def stuck_alert(reason, updated=1):
    return alert(
        "VllmRolloutStuck", {"deployment_namespace": "llm", "deployment": "llama-8b", "namespace": "llm",
                             "reason": reason, "severity": "warning"},
        f"VllmDeployment llm/llama-8b: rollout is stuck ({reason})",
        "The rollout of VllmDeployment llm/llama-8b (model llama-8b) cannot go on by itself: "
        f"{STUCK_CAUSE[reason]}. {updated} replica(s) run the new revision; the last good revision "
        "(status.rollout.lastGoodRevision), if there is one, keeps serving.")


def deadline(d, phases, op=OPERATOR):
    return operator_gauge("vllm_operator_deployment_progress_deadline_exceeded", d, phases, op)


def stuck(d, phases_by_reason, op=OPERATOR):
    """vllm_operator_deployment_rollout_stuck: the operator exports every reason, 0 or 1."""
    return [operator_gauge("vllm_operator_deployment_rollout_stuck", {**d, "reason": r},
                           phases_by_reason.get(r, [(sum(m for m, _ in next(iter(phases_by_reason.values()))), 0)]), op)
            for r in ("InsufficientGpus", "RolloutFailed")]


def phase_series(d, phases_by_phase, op=OPERATOR):
    return [operator_gauge("vllm_operator_deployment_phase", {**d, "phase": p}, v, op)
            for p, v in phases_by_phase.items()]


def replicas(d, desired, ready, updated, op=OPERATOR):
    return [operator_gauge("vllm_operator_deployment_replicas", {**d, "state": s}, v, op)
            for s, v in (("desired", desired), ("ready", ready), ("updated", updated))]


# --- reason InsufficientGpus: onInsufficientGpus Wait, the surge pod is Pending for lack of GPUs.
add("VllmRolloutStuck: waiting for GPUs (onInsufficientGpus Wait), other deployments too",
    stuck(dep(), {"InsufficientGpus": [(10, 0), (30, 1), (20, 0)]})
    + [deadline(dep(), [(60, 0)])]
    + phase_series(dep(), {"Progressing": [(60, 1)], "Ready": [(60, 0)]})
    + replicas(dep(), [(60, 2)], [(60, 2)], [(60, 1)])
    + sum((stuck(d, {"InsufficientGpus": [(10, 0), (50, 1)]}) + replicas(d, [(60, 2)], [(60, 2)], [(60, 1)])
           for d in OTHER_DEPS), []),
    none("VllmRolloutStuck", "9m", "15m", "19m")
    + [check("VllmRolloutStuck", "21m", stuck_alert("InsufficientGpus")),
       check("VllmRolloutStuck", "39m", stuck_alert("InsufficientGpus"))]
    + none("VllmRolloutStuck", "41m", "59m"))

add("VllmRolloutStuck: waiting for GPUs for 8 minutes (a GPU node is added)",
    stuck(dep(), {"InsufficientGpus": [(10, 0), (8, 1), (42, 0)]})
    + [deadline(dep(), [(60, 0)])]
    + replicas(dep(), [(60, 2)], [(60, 2)], [(18, 1), (42, 2)]),
    none("VllmRolloutStuck", "17m", "19m", "30m"))

add("VllmRolloutStuck: waiting for GPUs survives an operator restart (new operator pod)",
    stuck(dep(), {"InsufficientGpus": [(10, 0), (20, 1), (1, "stale")]})
    + stuck(dep(), {"InsufficientGpus": [(31, None), (29, 1)]}, OPERATOR_RESTARTED)
    + replicas(dep(), [(30, 2), (1, "stale")], [(30, 2), (1, "stale")], [(30, 1), (1, "stale")])
    + replicas(dep(), [(31, None), (29, 2)], [(31, None), (29, 2)], [(31, None), (29, 1)], OPERATOR_RESTARTED),
    [check("VllmRolloutStuck", "25m", stuck_alert("InsufficientGpus")),
     check("VllmRolloutStuck", "45m", stuck_alert("InsufficientGpus"))])

# --- reason RolloutFailed: autoRollback false (phase Degraded) or nothing to roll back to (Failed).
add("VllmRolloutStuck: new revision failed, autoRollback false",
    stuck(dep(), {"RolloutFailed": [(20, 0), (70, 1)]})
    + [deadline(dep(), [(90, 0)])]
    + phase_series(dep(), {"Progressing": [(20, 1), (70, 0)], "Degraded": [(20, 0), (70, 1)]})
    + replicas(dep(), [(90, 2)], [(90, 2)], [(20, 1), (70, 0)]),
    none("VllmRolloutStuck", "19m", "29m")
    + [check("VllmRolloutStuck", "31m", stuck_alert("RolloutFailed", 0)),
       check("VllmRolloutStuck", "89m", stuck_alert("RolloutFailed", 0))])

add("VllmRolloutStuck: failed on the progress deadline and not rolled back: one alert, reason RolloutFailed",
    stuck(dep(), {"RolloutFailed": [(45, 0), (45, 1)]})
    + [deadline(dep(), [(45, 0), (45, 1)])]
    + replicas(dep(), [(90, 2)], [(90, 2)], [(90, 1)]),
    none("VllmRolloutStuck", "44m", "54m")
    + [check("VllmRolloutStuck", "56m", stuck_alert("RolloutFailed")),
       check("VllmRolloutStuck", "89m", stuck_alert("RolloutFailed"))])

# --- the deadline flag alone (reason ProgressDeadlineExceeded)
add("VllmRolloutStuck: progress deadline exceeded (other deployments too)",
    [deadline(dep(), [(45, 0), (45, 1)])] + [deadline(d, [(45, 0), (45, 1)]) for d in OTHER_DEPS]
    + phase_series(dep(), {"Progressing": [(90, 1)], "Ready": [(90, 0)]})
    + replicas(dep(), [(90, 2)], [(90, 2)], [(90, 1)]),
    none("VllmRolloutStuck", "44m", "48m", "54m")
    + [check("VllmRolloutStuck", "56m", stuck_alert("ProgressDeadlineExceeded")),
       check("VllmRolloutStuck", "89m", stuck_alert("ProgressDeadlineExceeded"))])

add("VllmRolloutStuck: deadline flag survives an operator restart (new operator pod)",
    [deadline(dep(), [(45, 0), (15, 1), (1, "stale")]),
     deadline(dep(), [(61, None), (29, 1)], OPERATOR_RESTARTED)]
    + replicas(dep(), [(60, 2), (1, "stale")], [(60, 2), (1, "stale")], [(60, 2), (1, "stale")])
    + replicas(dep(), [(61, None), (29, 2)], [(61, None), (29, 2)], [(61, None), (29, 2)], OPERATOR_RESTARTED),
    [check("VllmRolloutStuck", "75m", stuck_alert("ProgressDeadlineExceeded", 2))])

add("VllmRolloutStuck: deadline flag set for one minute",
    [deadline(dep(), [(45, 0), (1, 1), (44, 0)])] + replicas(dep(), [(90, 2)], [(90, 2)], [(90, 1)]),
    none("VllmRolloutStuck", "46m", "50m", "55m"))

add("VllmRolloutStuck: a long but healthy rollout (Progressing 2h, deadline not exceeded)",
    stuck(dep(), {"InsufficientGpus": [(180, 0)]})
    + [deadline(dep(), [(180, 0)])]
    + phase_series(dep(), {"Progressing": [(120, 1), (60, 0)], "Ready": [(120, 0), (60, 1)]})
    + replicas(dep(), [(180, 2)], [(120, 1), (60, 2)], [(120, 1), (60, 2)]),
    none("VllmRolloutStuck", "60m", "119m", "150m"))

add("VllmRolloutStuck: rolled back on the deadline (VllmRolledBack's, not stuck)",
    stuck(dep(), {"InsufficientGpus": [(90, 0)]})
    + [deadline(dep(), [(90, 0)])]
    + phase_series(dep(), {"Progressing": [(45, 1), (45, 0)], "RollingBack": [(45, 0), (5, 1), (40, 0)],
                           "RolledBack": [(50, 0), (40, 1)]})
    + replicas(dep(), [(90, 2)], [(90, 2)], [(45, 1), (45, 2)]),
    none("VllmRolloutStuck", "50m", "70m", "89m"))

add("VllmRolloutStuck: backstop, Progressing with updated < desired for 6h, deadline never flagged",
    [deadline(dep(), [(420, 0)])]
    + phase_series(dep(), {"Progressing": [(420, 1)], "Ready": [(420, 0)]})
    + replicas(dep(), [(420, 2)], [(420, 1)], [(420, 1)])
    + sum((phase_series(d, {"Progressing": [(420, 1)]}) + replicas(d, [(420, 2)], [(420, 1)], [(420, 1)])
           for d in OTHER_DEPS), []),
    none("VllmRolloutStuck", "5h", "5h40m")
    + [check("VllmRolloutStuck", "6h30m", stuck_alert("ProgressingTooLong"))])

add("VllmRolloutStuck: only other deployments stuck",
    [deadline(dep(), [(90, 0)])] + stuck(dep(), {"RolloutFailed": [(90, 0)]})
    + replicas(dep(), [(90, 2)], [(90, 2)], [(90, 2)])
    + sum(([deadline(d, [(10, 0), (80, 1)])] + stuck(d, {"RolloutFailed": [(10, 0), (80, 1)]})
           + replicas(d, [(90, 2)], [(90, 2)], [(90, 1)]) for d in OTHER_DEPS), []),
    none("VllmRolloutStuck", "30m", "89m"))


def rollbacks(d, phases, op=OPERATOR, start=0):
    return {"series": sel("vllm_operator_rollbacks_total", {**op, **d}), "values": counter(phases, start)}


def rolled_back_alert(count=1):
    return alert(
        "VllmRolledBack", {"deployment_namespace": "llm", "deployment": "llama-8b", "namespace": "llm",
                           "severity": "warning"},
        "VllmDeployment llm/llama-8b was rolled back",
        "The new revision of VllmDeployment llm/llama-8b (model llama-8b) failed and the operator rolled back to "
        f"the last good revision ({count} automatic rollback(s) so far). The last good revision serves "
        "(status.rollout.servedRevision) while the spec still asks for the failed one (status.rollout.failedRevision, "
        "failedReason, failedMessage; condition RolledBack). It is not retried until the spec changes or the "
        "annotation vllm-operator.io/retry-rollout gets a new value.")


# A rollback at minute 20: RollingBack for 5 minutes, then RolledBack until the spec changes at 40
# (a new revision rolls out, Ready at 60).
ROLLBACK_PHASES = {"Progressing": [(20, 1), (20, 0), (20, 1), (30, 0)], "RollingBack": [(20, 0), (5, 1), (65, 0)],
                   "RolledBack": [(25, 0), (15, 1), (50, 0)], "Ready": [(60, 0), (30, 1)]}

add("VllmRolledBack: one rollback, then the spec is fixed (other deployments too)",
    [rollbacks(dep(), [(20, 0), (1, 1), (69, 0)])] + phase_series(dep(), ROLLBACK_PHASES)
    + sum(([rollbacks(d, [(20, 0), (1, 1), (69, 0)])] + phase_series(d, ROLLBACK_PHASES) for d in OTHER_DEPS), []),
    none("VllmRolledBack", "19m", "21m")
    + [check("VllmRolledBack", "23m", rolled_back_alert()), check("VllmRolledBack", "45m", rolled_back_alert())]
    + none("VllmRolledBack", "55m", "89m"))

add("VllmRolledBack: stays while the phase is RolledBack (the spec still asks for the failed revision)",
    [rollbacks(dep(), [(20, 0), (1, 1), (179, 0)])]
    + phase_series(dep(), {"Progressing": [(20, 1), (160, 0), (20, 1)], "RollingBack": [(20, 0), (5, 1), (175, 0)],
                           "RolledBack": [(25, 0), (155, 1), (20, 0)]}),
    [check("VllmRolledBack", "23m", rolled_back_alert()), check("VllmRolledBack", "90m", rolled_back_alert()),
     check("VllmRolledBack", "179m", rolled_back_alert())]
    + none("VllmRolledBack", "181m", "199m"))

add("VllmRolledBack: a second rollback, the count comes from the status",
    [rollbacks(dep(), [(20, 0), (1, 1), (39, 0)], start=4)]
    + phase_series(dep(), {"Progressing": [(20, 1), (40, 0)], "RollingBack": [(20, 0), (5, 1), (35, 0)],
                           "RolledBack": [(25, 0), (35, 1)]}),
    [check("VllmRolledBack", "30m", rolled_back_alert(5))])

add("VllmRolledBack: operator restart while RolledBack (new operator pod, count kept in the status)",
    [operator_gauge("vllm_operator_rollbacks_total", dep(), [(20, 0), (40, 1), (1, "stale")]),
     operator_gauge("vllm_operator_rollbacks_total", dep(), [(61, None), (59, 1)], OPERATOR_RESTARTED)]
    + phase_series(dep(), {"RolledBack": [(20, 0), (40, 1), (1, "stale")]})
    + phase_series(dep(), {"RolledBack": [(61, None), (59, 1)]}, OPERATOR_RESTARTED),
    [check("VllmRolledBack", "70m", rolled_back_alert()), check("VllmRolledBack", "119m", rolled_back_alert())])

add("VllmRolledBack: operator restart long after a rollback (new operator pod, same count)",
    [operator_gauge("vllm_operator_rollbacks_total", dep(), [(40, 1), (1, "stale")]),
     operator_gauge("vllm_operator_rollbacks_total", dep(), [(41, None), (49, 1)], OPERATOR_RESTARTED)]
    + phase_series(dep(), {"Ready": [(40, 1), (1, "stale")]})
    + phase_series(dep(), {"Ready": [(41, None), (49, 1)]}, OPERATOR_RESTARTED),
    none("VllmRolledBack", "10m", "30m", "45m", "89m"))

add("VllmRolledBack: the count drops to 0 within the same series (VllmDeployment re-created)",
    [{"series": sel("vllm_operator_rollbacks_total", {**OPERATOR, **dep()}),
      "values": gauge([(40, 1), (50, 0)])}],
    none("VllmRolledBack", "41m", "45m", "60m"))

add("VllmRolledBack: no rollback (a failed revision with autoRollback false is VllmRolloutStuck's)",
    [rollbacks(dep(), [(60, 0)])]
    + phase_series(dep(), {"Progressing": [(20, 1), (40, 0)], "Degraded": [(20, 0), (40, 1)]}),
    none("VllmRolledBack", "30m", "59m"))

add("VllmRolledBack: only other deployments rolled back",
    [rollbacks(dep(), [(60, 0)])] + phase_series(dep(), {"Ready": [(60, 1)], "RolledBack": [(60, 0)]})
    + sum(([rollbacks(d, [(20, 0), (1, 1), (39, 0)])]
           + phase_series(d, {"Ready": [(20, 1), (40, 0)], "RolledBack": [(25, 0), (35, 1)]}) for d in OTHER_DEPS), []),
    none("VllmRolledBack", "25m", "40m", "59m"))


# ================================================================== DCGM
DCGM_TARGET = {"namespace": "gpu-operator", "job": "nvidia-dcgm-exporter", "service": "nvidia-dcgm-exporter",
               "pod": "nvidia-dcgm-exporter-9xk2m", "instance": "10.42.0.3:9400", "endpoint": "gpu-metrics",
               "container": "nvidia-dcgm-exporter"}


def gpu_labels(t, gpu, honor):
    """DCGM labels for GPU `gpu` used by pod t; honor = ServiceMonitor honorLabels."""
    base = {"gpu": str(gpu), "UUID": f"GPU-{t.pod[-5:]}-{gpu}", "device": f"nvidia{gpu}",
            "modelName": "NVIDIA H100 80GB HBM3", "Hostname": f"gpu-node-{t.ip.split('.')[2]}",
            "DCGM_FI_DRIVER_VERSION": "550.127.08"}
    if honor:
        return {**DCGM_TARGET, **base, "namespace": t.namespace, "pod": t.pod, "container": "vllm"}
    return {**DCGM_TARGET, **base, "exported_namespace": t.namespace, "exported_pod": t.pod,
            "exported_container": "vllm"}


def gpu_alert_labels(t, gpu, severity):
    return {"namespace": t.namespace, "pod": t.pod, "gpu": str(gpu), "UUID": f"GPU-{t.pod[-5:]}-{gpu}",
            "Hostname": f"gpu-node-{t.ip.split('.')[2]}", "severity": severity}


def xid_alert(t, gpu):
    return alert(
        "VllmGpuXidErrors", gpu_alert_labels(t, gpu, "critical"),
        f"vLLM {t.namespace}/llama-8b: GPU XID 79 on {t.pod}",
        f"GPU {gpu} (GPU-{t.pod[-5:]}-{gpu}) of pod {t.pod} (model llama-8b) reported XID error 79 (any XID > 0 "
        f"is an error; 48, 63/64, 74, 79, 94/95, 119/120 mean failing hardware or a lost GPU). The vLLM engine "
        f"on that GPU is likely dead or corrupt.")


def temp_alert(t, gpu):
    return alert(
        "VllmGpuHighTemperature", gpu_alert_labels(t, gpu, "warning"),
        f"vLLM {t.namespace}/llama-8b: GPU {gpu} of {t.pod} at 90°C",
        f"GPU {gpu} (GPU-{t.pod[-5:]}-{gpu}) used by pod {t.pod} (model llama-8b) has been at 90°C, above 85°C, "
        f"for 10 minutes. The GPU throttles its clocks (lower throughput) and risks an XID / thermal shutdown.")


def dcgm(metric, t, gpu, honor, phases, extra=None):
    return {"series": sel(metric, {**gpu_labels(t, gpu, honor), **(extra or {})}), "values": gauge(phases)}


UPS = [up(A, [(90, 1)]), up(B, [(90, 1)]), up(V2, [(90, 1)]), up(OTHER, [(90, 1)])]

for honor in (True, False):
    how = "honorLabels: true (pod/namespace)" if honor else "honorLabels: false (exported_pod/exported_namespace)"
    X = "DCGM_FI_DEV_XID_ERRORS"
    add(f"VllmGpuXidErrors, {how}: XID 79 on GPU 1 of a pod (and on other deployments' GPUs)",
        UPS + [dcgm(X, A, 0, honor, [(90, 0)]), dcgm(X, A, 1, honor, [(10, 0), (80, 79)]),
               dcgm(X, B, 0, honor, [(90, 0)])]
        + [dcgm(X, t, 0, honor, [(10, 0), (80, 79)]) for t in OTHERS],
        none("VllmGpuXidErrors", "9m", "11m")
        + [check("VllmGpuXidErrors", "13m", xid_alert(A, 1)), check("VllmGpuXidErrors", "35m", xid_alert(A, 1))]
        + none("VllmGpuXidErrors", "45m", "89m"))
    add(f"VllmGpuXidErrors, {how}: XID value of the previous pod still stuck on the GPU",
        UPS + [dcgm(X, A, 0, honor, [(90, 43)])],
        none("VllmGpuXidErrors", "5m", "30m", "89m"))
    add(f"VllmGpuXidErrors, {how}: value flips for one minute",
        UPS + [dcgm(X, A, 0, honor, [(20, 0), (1, 13), (69, 0)])],
        none("VllmGpuXidErrors", "20m", "21m", "22m", "25m"))
    add(f"VllmGpuXidErrors, {how}: no XID",
        UPS + [dcgm(X, A, 0, honor, [(90, 0)]), dcgm(X, B, 0, honor, [(90, 0)])],
        none("VllmGpuXidErrors", "30m", "89m"))
    add(f"VllmGpuXidErrors, {how}: XID only on other deployments' GPUs",
        UPS + [dcgm(X, A, 0, honor, [(90, 0)])] + [dcgm(X, t, 0, honor, [(10, 0), (80, 79)]) for t in OTHERS],
        none("VllmGpuXidErrors", "13m", "35m"))

    T = "DCGM_FI_DEV_GPU_TEMP"
    add(f"VllmGpuHighTemperature, {how}: GPU 0 of a pod at 90°C (other deployments' GPUs too)",
        UPS + [dcgm(T, A, 0, honor, [(90, 90)]), dcgm(T, A, 1, honor, [(90, 70)]), dcgm(T, B, 0, honor, [(90, 72)])]
        + [dcgm(T, t, 0, honor, [(90, 95)]) for t in OTHERS],
        none("VllmGpuHighTemperature", "5m", "9m")
        + [check("VllmGpuHighTemperature", "12m", temp_alert(A, 0)),
           check("VllmGpuHighTemperature", "80m", temp_alert(A, 0))])
    add(f"VllmGpuHighTemperature, {how}: one minute at 95°C",
        UPS + [dcgm(T, A, 0, honor, [(20, 70), (1, 95), (69, 70)])],
        none("VllmGpuHighTemperature", "20m", "21m", "25m", "31m"))
    add(f"VllmGpuHighTemperature, {how}: 84°C, below the threshold",
        UPS + [dcgm(T, A, 0, honor, [(90, 84)])],
        none("VllmGpuHighTemperature", "30m", "89m"))
    add(f"VllmGpuHighTemperature, {how}: only other deployments' GPUs are hot",
        UPS + [dcgm(T, A, 0, honor, [(90, 70)])] + [dcgm(T, t, 0, honor, [(90, 95)]) for t in OTHERS],
        none("VllmGpuHighTemperature", "30m", "89m"))

add("VllmGpuXidErrors: newer exporter with err_code/err_msg labels (the code moves into a new series)",
    UPS + [dcgm("DCGM_FI_DEV_XID_ERRORS", A, 1, True, [(10, 0), (1, "stale")], {"err_code": "0", "err_msg": ""}),
           dcgm("DCGM_FI_DEV_XID_ERRORS", A, 1, True, [(10, None), (80, 79)],
                {"err_code": "79", "err_msg": "GPU has fallen off the bus"})],
    none("VllmGpuXidErrors", "9m", "11m") + [check("VllmGpuXidErrors", "13m", xid_alert(A, 1))])

add("VllmGpuXidErrors / VllmGpuHighTemperature: a GPU not allocated to any pod",
    UPS + [{"series": sel("DCGM_FI_DEV_XID_ERRORS", {**DCGM_TARGET, "gpu": "7", "UUID": "GPU-free-7",
                                                     "device": "nvidia7", "Hostname": "gpu-node-0"}),
            "values": gauge([(10, 0), (80, 79)])},
           {"series": sel("DCGM_FI_DEV_GPU_TEMP", {**DCGM_TARGET, "gpu": "7", "UUID": "GPU-free-7",
                                                   "device": "nvidia7", "Hostname": "gpu-node-0"}),
            "values": gauge([(90, 95)])}],
    none("VllmGpuXidErrors", "13m", "30m") + none("VllmGpuHighTemperature", "30m"))


# ------------------------------------------------------------------ output
class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, s):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="'" if any(c in s for c in ":{}#\"") else None)


Dumper.add_representer(str, _str)

doc = {
    "rule_files": ["rendered/vllm-alerts.yaml"],
    "evaluation_interval": "1m",
    "tests": TESTS,
}
header = ("# GENERATED by generate_tests.py -- edit that file and re-run it, do not edit by hand.\n"
          "# promtool unit tests of ../vllm-alerts.yaml, rendered for llm/llama-8b into rendered/ "
          "(see render-local.sh).\n")
with open(OUT, "w") as f:
    f.write(header)
    yaml.dump(doc, f, Dumper=Dumper, sort_keys=False, width=1000, allow_unicode=True)
print(f"wrote {OUT}: {len(TESTS)} test groups", file=sys.stderr)
