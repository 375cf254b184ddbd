#!/usr/bin/env python3
"""Unit tests of the pure parts of scripts/bench.py (run by hand: python3 scripts/bench_test.py).

Not part of scripts/test or CI: the harness is a tool, not a product feature.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def audit(audit_id, stage, verb, resource, time, user="vllm-bench-operator", code=200, sub=None,
          group="", ns="bench-0", name="m-0000", impersonated=None):
    ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": audit_id,
          "stage": stage, "verb": verb, "user": {"username": user},
          "objectRef": {"resource": resource, "namespace": ns, "name": name, "apiGroup": group},
          "requestReceivedTimestamp": time, "responseStatus": {"code": code}}
    if sub:
        ev["objectRef"]["subresource"] = sub
    if impersonated:
        ev["impersonatedUser"] = {"username": impersonated}
    return json.dumps(ev)


class HeapInfoTest(unittest.TestCase):
    def test_g1(self):
        text = (" garbage-first heap   total 262144K, used 39936K [0x00000006, 0x00000008)\n"
                "  region size 2048K, 3 young (6144K), 0 survivors (0K)\n"
                " Metaspace       used 61234K, committed 61952K, reserved 1114112K\n")
        self.assertEqual(bench.parse_heap_info(text),
                         {"heap_committed_bytes": 262144 * 1024, "heap_after_gc_bytes": 39936 * 1024})

    def test_serial_sums_the_generations(self):
        text = (" def new generation   total 9792K, used 512K [0x00000000e8000000, 0x00000000e8aa0000)\n"
                "  eden space 8704K,   5% used [0x00000000e8000000, 0x00000000e8880000)\n"
                "  from space 1088K,   0% used [0x00000000e8880000, 0x00000000e8990000)\n"
                " tenured generation   total 21428K, used 18000K [0x00000000f0000000, 0x00000000f14ed000)\n"
                "   the space 21428K,  84% used [0x00000000f0000000, 0x00000000f14ed000)\n"
                " Metaspace       used 61234K, committed 61952K, reserved 1114112K\n")
        self.assertEqual(bench.parse_heap_info(text),
                         {"heap_committed_bytes": (9792 + 21428) * 1024,
                          "heap_after_gc_bytes": (512 + 18000) * 1024})

    def test_unknown_output(self):
        self.assertEqual(bench.parse_heap_info("no heap here"), {})


class PercentileTest(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 101))  # 1..100
        self.assertEqual(bench.percentile(values, 50), 50)
        self.assertEqual(bench.percentile(values, 99), 99)
        self.assertEqual(bench.percentile(values, 100), 100)

    def test_small_samples_and_order(self):
        self.assertEqual(bench.percentile([3.0, 1.0, 2.0], 50), 2.0)
        self.assertEqual(bench.percentile([5.0, 1.0], 99), 5.0)  # p99 of few values is the max
        self.assertEqual(bench.percentile([7.0], 1), 7.0)
        self.assertIsNone(bench.percentile([], 50))

    def test_summary_counts_what_never_arrived(self):
        s = bench.summary([1.0, None, 3.0])
        self.assertEqual((s["count"], s["reached"], s["p50"], s["max"]), (3, 2, 1.0, 3.0))


class ControlPlaneCpuTest(unittest.TestCase):
    def test_delta_per_process_and_none_where_unknown(self):
        self.assertEqual(bench.cpu_delta({"kube-apiserver": 10.0, "etcd": None},
                                         {"kube-apiserver": 25.5, "etcd": 3.0}),
                         {"kube-apiserver": 15.5, "etcd": None})

    def test_missing_cluster_dir_gives_none(self):
        self.assertEqual(bench.control_plane_cpu("/nonexistent"), {"kube-apiserver": None, "etcd": None})


class AuditTest(unittest.TestCase):
    def test_one_entry_per_request_with_the_final_code(self):
        lines = [
            audit("a", "ResponseStarted", "watch", "deployments", "2026-01-01T00:00:01.500000Z", group="apps"),
            audit("a", "ResponseComplete", "watch", "deployments", "2026-01-01T00:00:01.500000Z", group="apps"),
            audit("b", "ResponseComplete", "patch", "deployments", "2026-01-01T00:00:02.000000Z", group="apps",
                  code=201),
            "not json",
        ]
        reqs = bench.first_per_request(map(bench.parse_audit_line, lines))
        self.assertEqual([r["id"] for r in reqs], ["a", "b"])
        self.assertEqual(reqs[1]["code"], 201)
        self.assertAlmostEqual(reqs[1]["time"] - reqs[0]["time"], 0.5)

    def test_count_by_user_verb_resource_and_window(self):
        lines = [
            audit("1", "ResponseComplete", "patch", "vllmdeployments", "2026-01-01T00:00:01Z", sub="status",
                  group="vllm-operator.io"),
            audit("2", "ResponseComplete", "create", "events", "2026-01-01T00:00:02Z"),
            audit("3", "ResponseComplete", "get", "configmaps", "2026-01-01T00:00:03Z"),
            audit("4", "ResponseComplete", "create", "events", "2026-01-01T00:00:04Z", user="someone-else"),
            audit("5", "ResponseComplete", "update", "leases", "2026-01-01T00:00:05Z", user="admin",
                  impersonated="vllm-bench-operator", group="coordination.k8s.io"),
            audit("6", "ResponseComplete", "create", "events", "2026-01-01T00:00:09Z"),  # outside
        ]
        reqs = bench.first_per_request(map(bench.parse_audit_line, lines))
        start = bench.parse_time("2026-01-01T00:00:00Z")
        got = bench.count_requests(reqs, "vllm-bench-operator", start, start + 6)
        self.assertEqual(got["total"], 4)
        self.assertEqual(got["writes"], 3)
        self.assertEqual(got["by_verb"], {
            "create": {"events": 1},
            "get": {"configmaps": 1},
            "patch": {"vllmdeployments.vllm-operator.io/status": 1},
            "update": {"leases.coordination.k8s.io": 1},
        })

    def test_created_objects_are_creates_and_applies_answered_201(self):
        lines = [
            audit("1", "ResponseComplete", "patch", "deployments", "2026-01-01T00:00:01Z", group="apps", code=201),
            audit("2", "ResponseComplete", "patch", "services", "2026-01-01T00:00:01Z", code=200),  # existed
            audit("3", "ResponseComplete", "create", "configmaps", "2026-01-01T00:00:01Z", name="m-dash"),
            audit("4", "ResponseComplete", "create", "configmaps", "2026-01-01T00:00:01Z", name="x", code=409),
            audit("5", "ResponseComplete", "patch", "vllmdeployments", "2026-01-01T00:00:01Z", sub="status",
                  code=201),
        ]
        reqs = bench.first_per_request(map(bench.parse_audit_line, lines))
        start = bench.parse_time("2026-01-01T00:00:00Z")
        got = sorted(bench.created_objects(reqs, "vllm-bench-operator", start, start + 10))
        self.assertEqual(got, [("", "configmaps", "bench-0", "m-dash"), ("apps", "deployments", "bench-0", "m-0000")])


class ReadyAndMetricsTest(unittest.TestCase):
    def test_ready_expressions(self):
        ready = bench.ready_checks(["status.phase=Ready", "status.observedGeneration=@metadata.generation"])
        self.assertTrue(ready({"metadata": {"generation": 2}, "status": {"phase": "Ready", "observedGeneration": 2}}))
        self.assertFalse(ready({"metadata": {"generation": 3}, "status": {"phase": "Ready", "observedGeneration": 2}}))
        self.assertFalse(ready({"metadata": {"generation": 2}, "status": {"phase": "Progressing"}}))
        self.assertFalse(ready({"metadata": {"generation": 2}}))
        with self.assertRaises(ValueError):
            bench.ready_checks(["status.phase"])

    def test_prometheus_sum(self):
        text = "\n".join([
            "# HELP controller_runtime_reconcile_total x",
            'controller_runtime_reconcile_total{controller="a",result="success"} 12',
            'controller_runtime_reconcile_total{controller="b",result="error"} 3',
            'controller_runtime_reconcile_time_seconds_count{controller="a"} 99',
            "operator_sdk_reconciliations_started_total 4.0",
        ])
        self.assertEqual(bench.prometheus_sum(text, "controller_runtime_reconcile_total"), 15.0)
        self.assertEqual(bench.prometheus_sum(text, "operator_sdk_reconciliations_started_total"), 4.0)
        self.assertIsNone(bench.prometheus_sum(text, "nothing_total"))


class OutputTest(unittest.TestCase):
    def run_doc(self):
        result = {
            "n": 10, "loadavg_start": [1.5, 1, 1], "loadavg_end": [2.25, 1, 1],
            "startup": {"seconds": 2.0},
            "create": {"apply_seconds": 0.1, "first_deployment_s": 1.2, "all_deployments_s": 2.3,
                       "all_pods_ready_s": 2.7, "all_crs_ready_s": 3.3,
                       "deployment_latency": {"p50": 1.5, "p99": 2.25}, "ready_latency": {"p50": 3.1, "p99": 3.3},
                       "requests": {"total": 152, "writes": 144}, "cpu_seconds": 4.0,
                       "process": {"cpu_seconds": 8.4, "rss_bytes": 340 * 1048576, "threads": 148,
                                   "heap_after_gc_bytes": 39 * 1048576, "heap_max_bytes": 6028 * 1048576}},
            "idle": {"seconds": 180.0, "cpu_seconds_per_minute": 0.09, "requests": {"total": 0, "writes": 0}},
            "restart": {"first_reconcile_s": 3.0, "idle_again_s": None, "window_s": 180,
                        "requests": {"total": 27, "writes": 1}},
            "spec_change": {"all_deployments_updated_s": 1.0, "requests": {"writes": 97}},
            "storage": {"objects_per_cr_total": 70, "etcd_bytes_per_cr": 187564, "cr_etcd_bytes_per_cr": 3098,
                        "json_bytes_per_cr": 211140},
        }
        return {"run": {"operator": {"label": "ours", "cmd": "java"}, "command": "scripts/bench scale --n 10",
                        "commit": "abc", "machine": {"nproc": 2, "cpu": "x", "memory_gib": 23.5, "kernel": "k"},
                        "loadavg_start": [1, 1, 1], "loadavg_end": [2, 2, 2], "started": "t", "duration_s": 100},
                "results": [result]}

    def test_markdown_has_a_column_per_run_and_n_and_the_figures(self):
        doc = self.run_doc()
        md = bench.markdown([doc, doc]).splitlines()
        self.assertEqual(md[0], "| figure | ours, N=10 | ours, N=10 (run 2) |")
        rows = {line.split(" | ")[0].lstrip("| "): line for line in md[2:]}
        self.assertIn("| 2.3 s | 2.3 s |", rows["all Deployments created"])
        self.assertIn("1.50 / 2.25 s", rows["per CR, apply to Deployment, p50 / p99"])
        self.assertIn("15.2 (14.4)", rows["API requests at creation, per CR (writes per CR)"])
        self.assertIn("340 MiB", rows["operator RSS at convergence"])
        self.assertIn("never idle in 180 s", rows["restart: idle again after start"])
        self.assertIn("187.6 KB; 3.1 KB", rows["bytes in etcd per CR (objects created; CR itself)"])
        self.assertIn("– |", rows["spec change: all CRs Ready again"])  # not measured -> a dash

    def test_outputs_are_written(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "results.json")
            bench.write_outputs(self.run_doc(), 0, path)
            with open(path) as f:
                self.assertEqual(json.load(f)["results"][0]["n"], 10)
            with open(os.path.join(d, "results.md")) as f:
                text = f.read()
            self.assertIn("- command: `scripts/bench scale --n 10`", text)
            self.assertIn("| figure | ours, N=10 |", text)


if __name__ == "__main__":
    unittest.main()
