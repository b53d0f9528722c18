package dev.cronsentinel.loadgen;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Realistic Kubernetes audit traffic, deterministic from a seed (same seed and mix, same bytes), for
 * benchmarks and load tests.
 *
 * <h2>What a request is</h2>
 * Every API request draws one Bernoulli trial with {@link Mix#relevantShare()}:
 * <ul>
 *   <li><b>Relevant</b> requests are exactly the events the decoder keeps: a create of a CronJob, Job or Pod,
 *       at stage {@code ResponseComplete}, by a human/CI identity (a <i>root</i>) or by the CronJob or Job
 *       controller (a <i>spawn</i>). A relevant request starts a malicious chain with probability
 *       {@link Mix#maliciousShare()}; otherwise it is the next spawn that is due, or else a benign root. So
 *       spawns are counted inside the relevant share, and malicious roots are a share of all relevant requests.</li>
 *   <li><b>Irrelevant</b> requests are what large clusters mostly log: kubelet and leader-election lease
 *       updates, node and pod status patches, event creates, controller status updates, gets, lists and
 *       watches (configmaps first), and the Job controller's finalizer patches of Pods (which the decoder
 *       parses and then drops as housekeeping).</li>
 * </ul>
 * Each request is logged in both stages ({@code RequestReceived}, then {@code ResponseComplete} a few
 * milliseconds later, same audit ID), as an API server without a stage filter does, unless
 * {@link Mix#relevantEventsOnly()} asks for the {@code ResponseComplete} of relevant requests only.
 *
 * <h2>Chains</h2>
 * A CronJob root is followed, in event time, by the Job the CronJob controller creates at the next fire time of
 * its schedule (name {@code <cronjob>-<scheduled minute>}, controller owner reference to the CronJob's uid,
 * {@code creationTimestamp} the scheduled time), and then by the Pod the Job controller creates for that Job
 * ({@code generateName <job>-}, name {@code <job>-xxxxx}, owner reference to the Job's uid, {@code job-name}
 * labels). A Job root is followed by its Pod. A CronJob keeps firing with probability 1/2 per fire. Spawns copy
 * the root's pod template, attack included. The CronJob's uid is only in its {@code responseObject}: at
 * {@code Request} level ({@link Mix#workloadLevel()}) chains link by owner name, at {@code RequestResponse}
 * level (the default, the project's audit policy) by uid as well.
 *
 * <p>Not every CronJob spawns within a run: a few are suspended, and fires further away than
 * {@link #SPAWN_HORIZON_MICROS} of event time (daily schedules, mostly) are not queued, which also bounds the
 * memory of long runs. Schedules are aligned to the minute, so with {@link Mix#realistic()} (starting at
 * midnight, 10,000 events per second of event time) the first CronJob spawns come after about 600,000
 * events. Queued spawns and the second stages of requests wait in priority queues by event time, so event
 * time ({@code stageTimestamp}) never decreases in the output. Watches are shortened to at most 0.1 s (real
 * ones last minutes) so that few lines wait.
 *
 * <p>Events are built with string concatenation, not a JSON library, so the generator is not the bottleneck
 * of a benchmark that reads its output. Requests arrive every {@link Mix#stepMicros()} of event time.
 */
public final class AuditTrafficGenerator {
    /** Fires of a CronJob further than this from its create (or its previous fire) are not queued. */
    static final long SPAWN_HORIZON_MICROS = 3_600_000_000L;

    static final String CRONJOB_CONTROLLER = "system:serviceaccount:kube-system:cronjob-controller";
    static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";
    private static final String CONTROLLER_GROUPS = "[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]";
    private static final String KCM_AGENT = "kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3c1c56d/";
    private static final String KUBECTL = "kubectl/v1.30.2 (linux/amd64) kubernetes/3c1c56d";
    private static final String KUBELET = "kubelet/v1.30.2 (linux/amd64) kubernetes/3c1c56d";
    private static final String[] NAMESPACES = {"default", "prod", "web", "payments", "build", "data", "ops", "edge", "ml", "search"};
    private static final String[] HUMANS = {"alice@example.com", "bob@example.com", "carol@example.com",
        "system:serviceaccount:ci:deployer", "system:serviceaccount:argocd:argocd-application-controller"};
    private static final String[] ATTACKERS = {"system:serviceaccount:ci:deployer", "system:serviceaccount:default:default",
        "dave@example.com", "system:serviceaccount:monitoring:prometheus"};
    private static final String[] ATTACKER_AGENTS = {KUBECTL, "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1"};
    private static final String[] READ_RESOURCES = {"configmaps", "configmaps", "configmaps", "secrets", "pods", "serviceaccounts",
        "services", "endpoints", "deployments", "nodes"};
    private static final String[] READ_AGENTS = {"app/v2.3.1 (linux/amd64) kubernetes/$Format", "kube-state-metrics/v2.13.0",
        "prometheus/2.54.1", "argocd-application-controller/v2.12.3", "cert-manager-cainjector/v1.15.3", KUBELET};
    private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int DAY = 1440;

    /**
     * What to generate.
     *
     * @param relevantShare share of requests that are relevant (roots and spawns, see the class comment)
     * @param maliciousShare share of relevant requests that start a malicious chain; spawns are made by the other
     *     relevant requests, so a share near 1 starves them (and queues them without bound)
     * @param startMillis event time of the first request
     * @param stepMicros event time between two requests
     * @param relevantEventsOnly emit only the {@code ResponseComplete} events of relevant requests
     * @param workloadLevel audit level of workload creates: {@code RequestResponse} (uids link chains) or {@code Request}
     */
    public record Mix(double relevantShare, double maliciousShare, long startMillis, long stepMicros,
            boolean relevantEventsOnly, String workloadLevel) {
        private static final long START = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();

        public Mix {
            if (!(relevantShare >= 0 && relevantShare <= 1) || !(maliciousShare >= 0 && maliciousShare <= 1)) {
                throw new IllegalArgumentException("shares must be within [0, 1]");
            }
            if (stepMicros <= 0) {
                throw new IllegalArgumentException("stepMicros must be positive");
            }
            if (relevantEventsOnly && relevantShare == 0) {
                throw new IllegalArgumentException("relevant events only, but no relevant requests: nothing would be generated");
            }
            if (!"RequestResponse".equals(workloadLevel) && !"Request".equals(workloadLevel)) {
                throw new IllegalArgumentException("workloadLevel must be Request or RequestResponse");
            }
        }

        /** Both stages of every request, RequestResponse level for workload writes. */
        public Mix(double relevantShare, double maliciousShare, long startMillis, long stepMicros) {
            this(relevantShare, maliciousShare, startMillis, stepMicros, false, "RequestResponse");
        }

        /** A large cluster: 4% relevant requests, 5% of them malicious, 5000 requests per second, both stages. */
        public static Mix realistic() {
            return new Mix(0.04, 0.05, START, 200);
        }

        /**
         * The relevant requests of {@link #realistic()}, at the same rate of event time (200 per second), and
         * only their {@code ResponseComplete} stage: every event is one the decoder parses in full.
         */
        public static Mix relevantOnly() {
            return new Mix(1.0, 0.05, START, 5000, true, "RequestResponse");
        }

        public Mix withRelevantShare(double share) {
            return new Mix(share, maliciousShare, startMillis, stepMicros, relevantEventsOnly, workloadLevel);
        }

        public Mix withMaliciousShare(double share) {
            return new Mix(relevantShare, share, startMillis, stepMicros, relevantEventsOnly, workloadLevel);
        }

        public Mix withWorkloadLevel(String level) {
            return new Mix(relevantShare, maliciousShare, startMillis, stepMicros, relevantEventsOnly, level);
        }

        /**
         * Only the ResponseComplete events of relevant requests. Irrelevant requests are still drawn (and
         * skipped), so relevant requests keep their rate in event time.
         */
        public Mix withRelevantEventsOnly() {
            return new Mix(relevantShare, maliciousShare, startMillis, stepMicros, true, workloadLevel);
        }
    }

    /** Counts of what was generated, to check the mix. Requests are counted when drawn, events when returned. */
    public static final class Counts {
        public long events;
        public long bytes;
        public long requests;
        /** Relevant requests: roots plus spawns. */
        public long relevantRequests;
        /** Relevant requests that started a malicious chain (a malicious root of any kind). */
        public long maliciousRequests;
        public long cronJobRoots;
        public long jobRoots;
        public long podRoots;
        public long spawnedJobs;
        public long spawnedPods;
        /** CronJob roots whose first Job and that Job's Pod were generated. */
        public long completeCronJobChains;
        /** Job roots whose Pod was generated. */
        public long completeJobChains;
        public long maliciousCompleteChains;
        /** Sizes of the {@code requestObject} of every workload create, in 1 KB buckets: [0,1), [1,2) ... [5, inf). */
        public final long[] createBodyKb = new long[6];
        public long createBodies;
        public long createBodyBytes;
        public int createBodyMin = Integer.MAX_VALUE;
        public int createBodyMax;

        void body(int size) {
            createBodyKb[Math.min(size / 1024, 5)]++;
            createBodies++;
            createBodyBytes += size;
            createBodyMin = Math.min(createBodyMin, size);
            createBodyMax = Math.max(createBodyMax, size);
        }
    }

    /** An output line waiting for its event time. */
    private record Line(long micros, long order, String text) implements Comparable<Line> {
        @Override
        public int compareTo(Line o) {
            int c = Long.compare(micros, o.micros);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** A controller create waiting for its event time. */
    private static final class Spawn implements Comparable<Spawn> {
        final long dueMicros;
        final long order;
        final Workload owner;
        /** For a Pod: the Job that owns it; for a Job: null. */
        final String jobName;
        final String jobUid;
        final long scheduledMinute;
        /** True for the first Job of a CronJob and its Pod: completing it completes the root's chain. */
        final boolean firstOfRoot;

        Spawn(long dueMicros, long order, Workload owner, String jobName, String jobUid, long scheduledMinute, boolean firstOfRoot) {
            this.dueMicros = dueMicros;
            this.order = order;
            this.owner = owner;
            this.jobName = jobName;
            this.jobUid = jobUid;
            this.scheduledMinute = scheduledMinute;
            this.firstOfRoot = firstOfRoot;
        }

        @Override
        public int compareTo(Spawn o) {
            int c = Long.compare(dueMicros, o.dueMicros);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** A root's identity and template seed: all a spawn needs to rebuild its body. */
    private record Workload(String resource, String namespace, String name, String uid, long templateSeed, boolean malicious,
            int periodMinutes, int offsetMinutes) {}

    private final SplittableRandom random;
    private final Mix mix;
    private final boolean bodiesInResponse;
    private final PriorityQueue<Line> lines = new PriorityQueue<>();
    private final PriorityQueue<Spawn> spawns = new PriorityQueue<>();
    private final Counts counts = new Counts();
    private long micros;
    private long seq;
    private long order;
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedSecondText;

    public AuditTrafficGenerator(long seed, Mix mix) {
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.bodiesInResponse = "RequestResponse".equals(mix.workloadLevel());
        this.micros = mix.startMillis() * 1000;
    }

    public Counts counts() {
        return counts;
    }

    public Mix mix() {
        return mix;
    }

    /** The next event as one JSON line (UTF-8, without the newline). */
    public byte[] next() {
        // A line is final once no later request can produce an earlier one: every new request starts after micros.
        while (lines.isEmpty() || lines.peek().micros > micros) {
            request();
        }
        byte[] b = lines.poll().text.getBytes(StandardCharsets.UTF_8);
        counts.events++;
        counts.bytes += b.length + 1;
        return b;
    }

    private void request() {
        micros += mix.stepMicros();
        seq++;
        counts.requests++;
        if (random.nextDouble() >= mix.relevantShare()) {
            if (!mix.relevantEventsOnly()) {
                irrelevant();
            }
            return;
        }
        counts.relevantRequests++;
        if (random.nextDouble() < mix.maliciousShare()) {
            counts.maliciousRequests++;
            root(true);
        } else if (!spawns.isEmpty() && spawns.peek().dueMicros <= micros) {
            spawn(spawns.poll());
        } else {
            root(false);
        }
    }

    // ---- relevant requests ----

    private void root(boolean malicious) {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        int k = random.nextInt(20);
        // Attackers favour CronJobs (persistence); ordinary traffic is mostly Pods and Jobs.
        String resource = malicious ? (k < 10 ? "cronjobs" : k < 16 ? "jobs" : "pods") : (k < 9 ? "pods" : k < 15 ? "jobs" : "cronjobs");
        String base = resource.equals("cronjobs") ? "cron" : resource.equals("jobs") ? "job" : "pod";
        String name = base + "-" + Long.toString(seq, 36);
        String uid = uuid();
        long templateSeed = random.nextLong();
        String user = malicious ? ATTACKERS[random.nextInt(ATTACKERS.length)] : HUMANS[random.nextInt(HUMANS.length)];
        String agent = malicious ? ATTACKER_AGENTS[random.nextInt(ATTACKER_AGENTS.length)] : KUBECTL;
        String groups = user.startsWith("system:serviceaccount:")
                ? "[\"system:serviceaccounts\",\"system:serviceaccounts:" + user.split(":")[2] + "\",\"system:authenticated\"]"
                : "[\"oidc:engineering\",\"system:authenticated\"]";
        String ip = malicious && random.nextBoolean() ? "198.51.100." + random.nextInt(250) : "203.0.113." + random.nextInt(250);

        PodTemplateBody t = new PodTemplateBody(templateSeed, malicious, name, resource.equals("pods") ? "Always" : "OnFailure");
        String labels = "{" + t.templateLabels + "}";
        long latency = 4000 + random.nextInt(30_000);
        // The object is stored (creationTimestamp) before the response is written (stageTimestamp).
        long stored = micros + latency / 2;
        String created = ts(stored);
        String request;
        String response;
        String apiVersion = resource.equals("pods") ? "v1" : "batch/v1";
        if (resource.equals("cronjobs")) {
            counts.cronJobRoots++;
            int[] sched = schedule();
            boolean suspended = !malicious && random.nextInt(20) == 0;
            String spec = "{\"schedule\":\"" + cron(sched[0], sched[1]) + "\",\"concurrencyPolicy\":\"Forbid\",\"suspend\":" + suspended
                    + ",\"successfulJobsHistoryLimit\":3,\"failedJobsHistoryLimit\":1,\"jobTemplate\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":"
                    + labels + "},\"spec\":" + jobSpec(t, null, null) + "}}";
            request = object("CronJob", apiVersion, meta(name, null, ns, labels, t.annotations, null, null, null, null, false), spec, null);
            response = object("CronJob", apiVersion, meta(name, null, ns, labels, t.annotations, uid, created, null,
                    managedFields("kubectl-create", apiVersion, created, "\"f:spec\":{\"f:schedule\":{},\"f:jobTemplate\":{}}"), true), spec, "{}");
            Workload w = new Workload(resource, ns, name, uid, templateSeed, malicious, sched[0], sched[1]);
            if (!suspended) {
                scheduleFire(w, stored, true);
            }
        } else if (resource.equals("jobs")) {
            counts.jobRoots++;
            request = object("Job", apiVersion, meta(name, null, ns, labels, t.annotations, null, null, null, null, false), jobSpec(t, null, null), null);
            response = object("Job", apiVersion, meta(name, null, ns, labels, t.annotations, uid, created, null,
                    managedFields("kubectl-create", apiVersion, created, "\"f:spec\":{\"f:backoffLimit\":{},\"f:template\":{}}"), true),
                    jobSpec(t, name, uid), "{}");
            Workload w = new Workload(resource, ns, name, uid, templateSeed, malicious, 0, 0);
            spawns.add(new Spawn(stored + podLagMicros(), order++, w, name, uid, 0, true));
        } else {
            counts.podRoots++;
            request = object("Pod", apiVersion, meta(name, null, ns, labels, t.annotations, null, null, null, null, false), t.spec(), null);
            response = object("Pod", apiVersion, meta(name, null, ns, labels, t.annotations, uid, created, null,
                    managedFields("kubectl-run", apiVersion, created, "\"f:spec\":{\"f:containers\":{}}"), false),
                    t.admittedSpec(), "{\"phase\":\"Pending\",\"qosClass\":\"Burstable\"}");
        }
        counts.body(request.length());
        String path = (resource.equals("pods") ? "/api/v1" : "/apis/batch/v1") + "/namespaces/" + ns + "/" + resource;
        workloadCreate(user, groups, user.startsWith("system:serviceaccount:"), agent, ip, resource, ns, name, path, request, response, latency);
    }

    private void spawn(Spawn s) {
        Workload w = s.owner;
        if (s.jobName == null) {
            jobOfCronJob(s, w);
        } else {
            podOfJob(s, w);
        }
    }

    /** The CronJob controller's Job for one scheduled time (cronjob_controllerv2.go, utils.go getJobFromTemplate2). */
    private void jobOfCronJob(Spawn s, Workload w) {
        counts.spawnedJobs++;
        String name = w.name() + "-" + s.scheduledMinute;
        String uid = uuid();
        PodTemplateBody t = new PodTemplateBody(w.templateSeed(), w.malicious(), w.name(), "OnFailure");
        String labels = "{" + t.templateLabels + "}";
        String scheduled = ts(s.scheduledMinute * 60_000_000L);
        String annotations = "{\"batch.kubernetes.io/cronjob-scheduled-timestamp\":\"" + scheduled.substring(0, 19) + "Z\"}";
        String owner = "[{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"name\":\"" + w.name() + "\",\"uid\":\"" + w.uid()
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}]";
        long latency = 4000 + random.nextInt(30_000);
        String created = ts(micros + latency / 2);
        String request = object("Job", "batch/v1", meta(name, null, w.namespace(), labels, annotations, null, scheduledSeconds(scheduled), owner, null, false),
                jobSpec(t, null, null), "{}");
        String response = object("Job", "batch/v1", meta(name, null, w.namespace(), labels, annotations, uid, scheduledSeconds(scheduled), owner,
                managedFields("kube-controller-manager", "batch/v1", created, "\"f:spec\":{\"f:backoffLimit\":{},\"f:template\":{}}"), true),
                jobSpec(t, name, uid), "{}");
        counts.body(request.length());
        workloadCreate(CRONJOB_CONTROLLER, CONTROLLER_GROUPS, true, KCM_AGENT + CRONJOB_CONTROLLER, "10.0.0.10", "jobs", w.namespace(), name,
                "/apis/batch/v1/namespaces/" + w.namespace() + "/jobs", request, response, latency);
        spawns.add(new Spawn(micros + latency / 2 + podLagMicros(), order++, w, name, uid, s.scheduledMinute, s.firstOfRoot));
        // The CronJob fires again at its next scheduled time; model a finite life (deleted, suspended, run over).
        // After a late run the controller skips the times it missed and waits for the next one from now.
        if (random.nextBoolean()) {
            scheduleFire(w, micros, false);
        }
    }

    /** The Job controller's Pod (job_controller.go, controller_utils.go GetPodFromTemplate). */
    private void podOfJob(Spawn s, Workload w) {
        counts.spawnedPods++;
        boolean ofCronJob = w.resource().equals("cronjobs");
        if (s.firstOfRoot) {
            if (ofCronJob) {
                counts.completeCronJobChains++;
            } else {
                counts.completeJobChains++;
            }
            if (w.malicious()) {
                counts.maliciousCompleteChains++;
            }
        }
        char[] suffix = new char[5];
        for (int i = 0; i < 5; i++) {
            suffix[i] = SAFE_ALPHABET.charAt(random.nextInt(SAFE_ALPHABET.length()));
        }
        String generateName = s.jobName + "-";
        String name = generateName + new String(suffix);
        String uid = uuid();
        PodTemplateBody t = new PodTemplateBody(w.templateSeed(), w.malicious(), w.name(), "OnFailure");
        String labels = "{\"batch.kubernetes.io/controller-uid\":\"" + s.jobUid + "\",\"batch.kubernetes.io/job-name\":\"" + s.jobName
                + "\",\"controller-uid\":\"" + s.jobUid + "\",\"job-name\":\"" + s.jobName + "\"," + t.templateLabels + "}";
        String owner = "[{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"name\":\"" + s.jobName + "\",\"uid\":\"" + s.jobUid
                + "\",\"controller\":true,\"blockOwnerDeletion\":true}]";
        long latency = 4000 + random.nextInt(30_000);
        String created = ts(micros + latency / 2);
        String finalizers = "[\"batch.kubernetes.io/job-tracking\"]";
        String request = object("Pod", "v1", meta(null, generateName, w.namespace(), labels, null, null, null, owner, null, false)
                .replace("\"ownerReferences\"", "\"finalizers\":" + finalizers + ",\"ownerReferences\""), t.spec(), "{}");
        String response = object("Pod", "v1", meta(name, generateName, w.namespace(), labels, null, uid, created, owner,
                managedFields("kube-controller-manager", "v1", created, "\"f:spec\":{\"f:containers\":{}}"), false)
                .replace("\"ownerReferences\"", "\"finalizers\":" + finalizers + ",\"ownerReferences\""),
                t.admittedSpec(), "{\"phase\":\"Pending\",\"qosClass\":\"Burstable\"}");
        counts.body(request.length());
        // The create of a generateName Pod has no objectRef.name (kubernetes#100466).
        workloadCreate(JOB_CONTROLLER, CONTROLLER_GROUPS, true, KCM_AGENT + JOB_CONTROLLER, "10.0.0.10", "pods", w.namespace(), null,
                "/api/v1/namespaces/" + w.namespace() + "/pods", request, response, latency);
    }

    /** Queues the Job of the CronJob's next fire strictly after {@code afterMicros}, if it is within the horizon. */
    private void scheduleFire(Workload w, long afterMicros, boolean first) {
        long afterMinute = Math.floorDiv(afterMicros, 60_000_000L);
        long minute = afterMinute + 1;
        minute += Math.floorMod(w.offsetMinutes() - minute, w.periodMinutes());
        long fire = minute * 60_000_000L;
        if (fire - afterMicros > SPAWN_HORIZON_MICROS) {
            return;
        }
        // The controller creates the Job moments after the scheduled time; now and then it lags (restart, backlog).
        int p = random.nextInt(100);
        long lag = p < 85 ? 20_000 + random.nextInt(2_000_000) : p < 98 ? 2_000_000 + random.nextInt(28_000_000) : 30_000_000 + random.nextInt(150_000_000);
        spawns.add(new Spawn(fire + lag, order++, w, null, null, minute, first));
    }

    /**
     * A schedule as (period, offset) in minutes. Frequent schedules dominate (cleanup, sync and monitoring jobs
     * run every minute or few), so a run of a few minutes of event time already sees thousands of chains.
     */
    private int[] schedule() {
        int p = random.nextInt(100);
        if (p < 25) {
            return new int[] {1, 0};
        }
        if (p < 40) {
            return new int[] {2, 0};
        }
        if (p < 60) {
            return new int[] {5, 0};
        }
        if (p < 65) {
            return new int[] {10, 0};
        }
        if (p < 75) {
            return new int[] {15, 0};
        }
        if (p < 80) {
            return new int[] {30, 0};
        }
        if (p < 92) {
            return new int[] {60, random.nextInt(60)};
        }
        return new int[] {DAY, random.nextInt(DAY)};
    }

    private static String cron(int period, int offset) {
        if (period == 1) {
            return "* * * * *";
        }
        if (period < 60) {
            return "*/" + period + " * * * *";
        }
        if (period == 60) {
            return offset + " * * * *";
        }
        return (offset % 60) + " " + (offset / 60) + " * * *";
    }

    private long podLagMicros() {
        return 50_000 + random.nextInt(1_500_000);
    }

    private static String jobSpec(PodTemplateBody t, String jobName, String jobUid) {
        if (jobName == null) {
            return "{\"backoffLimit\":6,\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{" + t.templateLabels + "}},\"spec\":"
                    + t.spec() + "}}";
        }
        // As stored: the Job's selector and the template labels the API server adds (controller-uid, job-name).
        String ids = "\"batch.kubernetes.io/controller-uid\":\"" + jobUid + "\",\"batch.kubernetes.io/job-name\":\"" + jobName
                + "\",\"controller-uid\":\"" + jobUid + "\",\"job-name\":\"" + jobName + "\"";
        return "{\"parallelism\":1,\"completions\":1,\"backoffLimit\":6,\"selector\":{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\""
                + jobUid + "\"}},\"manualSelector\":false,\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{" + ids + ","
                + t.templateLabels + "}},\"spec\":" + t.spec() + "},\"completionMode\":\"NonIndexed\",\"suspend\":false,\"podReplacementPolicy\":\"TerminatingOrFailed\"}";
    }

    private static String object(String kind, String apiVersion, String meta, String spec, String status) {
        return "{\"kind\":\"" + kind + "\",\"apiVersion\":\"" + apiVersion + "\",\"metadata\":" + meta + ",\"spec\":" + spec
                + (status != null ? ",\"status\":" + status : "") + "}";
    }

    /** Object metadata; {@code uid} and {@code managedFields} only as stored (responseObject). */
    private String meta(String name, String generateName, String ns, String labels, String annotations, String uid, String creationTimestamp,
            String ownerReferences, String managedFields, boolean generation) {
        StringBuilder b = new StringBuilder(512).append('{');
        if (name != null) {
            b.append("\"name\":\"").append(name).append("\",");
        }
        if (generateName != null) {
            b.append("\"generateName\":\"").append(generateName).append("\",");
        }
        b.append("\"namespace\":\"").append(ns).append('"');
        if (uid != null) {
            b.append(",\"uid\":\"").append(uid).append("\",\"resourceVersion\":\"").append(48_000_000 + seq).append('"');
            if (generation) {
                b.append(",\"generation\":1");
            }
        }
        b.append(",\"creationTimestamp\":").append(creationTimestamp == null ? "null" : "\"" + creationTimestamp + "\"");
        b.append(",\"labels\":").append(labels);
        if (annotations != null) {
            b.append(",\"annotations\":").append(annotations);
        }
        if (ownerReferences != null) {
            b.append(",\"ownerReferences\":").append(ownerReferences);
        }
        if (managedFields != null) {
            b.append(",\"managedFields\":").append(managedFields);
        }
        return b.append('}').toString();
    }

    private static String managedFields(String manager, String apiVersion, String time, String specFields) {
        return "[{\"manager\":\"" + manager + "\",\"operation\":\"Update\",\"apiVersion\":\"" + apiVersion + "\",\"time\":\"" + time.substring(0, 19)
                + "Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{}}}," + specFields + "}}]";
    }

    private static String scheduledSeconds(String ts) {
        return ts.substring(0, 19) + "Z";
    }

    private void workloadCreate(String user, String groups, boolean serviceAccount, String agent, String ip, String resource, String ns,
            String name, String uri, String request, String response, long latencyMicros) {
        String objectRef = "{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\"" + (name != null ? ",\"name\":\"" + name + "\"" : "")
                + ",\"apiGroup\":\"" + (resource.equals("pods") ? "" : "batch") + "\",\"apiVersion\":\"v1\"}";
        // At RequestReceived the body is not decoded yet, so objectRef has no name; the API server fills it in later.
        String receivedRef = "{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\",\"apiGroup\":\""
                + (resource.equals("pods") ? "" : "batch") + "\",\"apiVersion\":\"v1\"}";
        String bodies = ",\"requestObject\":" + request + (bodiesInResponse ? ",\"responseObject\":" + response : "");
        both("create", user, groups, serviceAccount ? credential(false) : "", agent, ip, receivedRef, objectRef, uri, 201,
                mix.workloadLevel(), bodies, latencyMicros, true);
    }

    // ---- irrelevant requests ----

    private void irrelevant() {
        int kind = random.nextInt(1000);
        if (kind < 330) {
            lease();
        } else if (kind < 400) {
            nodeStatus();
        } else if (kind < 460) {
            podStatus();
        } else if (kind < 500) {
            eventCreate();
        } else if (kind < 520) {
            controllerStatus();
        } else if (kind < 525) {
            finalizerPatch();
        } else {
            read(kind < 745 ? "get" : kind < 870 ? "list" : "watch");
        }
    }

    private void lease() {
        boolean node = random.nextInt(10) < 8;
        String holder = node ? "node-" + random.nextInt(500) : LEADER_ELECTIONS[random.nextInt(LEADER_ELECTIONS.length)];
        String ns = node ? "kube-node-lease" : "kube-system";
        String user = node ? "system:node:" + holder : "system:kube-controller-manager";
        String now = ts(micros);
        String body = "{\"kind\":\"Lease\",\"apiVersion\":\"coordination.k8s.io/v1\",\"metadata\":{\"name\":\"" + holder + "\",\"namespace\":\"" + ns
                + "\",\"uid\":\"" + uuid() + "\",\"resourceVersion\":\"" + (48_000_000 + seq) + "\"},\"spec\":{\"holderIdentity\":\"" + holder
                + "\",\"leaseDurationSeconds\":40,\"renewTime\":\"" + now + "\"}}";
        String ref = "{\"resource\":\"leases\",\"namespace\":\"" + ns + "\",\"name\":\"" + holder + "\",\"apiGroup\":\"coordination.k8s.io\",\"apiVersion\":\"v1\"}";
        both("update", user, node ? "[\"system:nodes\",\"system:authenticated\"]" : "[\"system:authenticated\"]", node ? credential(true) : "",
                node ? KUBELET : KCM_AGENT + "leader-election", "10.0." + random.nextInt(4) + "." + random.nextInt(250), ref, ref,
                "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases/" + holder + "?timeout=10s", 200, "Request", ",\"requestObject\":" + body,
                800 + random.nextInt(4000), false);
    }

    private static final String[] LEADER_ELECTIONS = {"kube-controller-manager", "kube-scheduler", "cert-manager-controller",
        "ingress-nginx-leader", "cluster-autoscaler"};

    private void nodeStatus() {
        String node = "node-" + random.nextInt(500);
        String beat = ts(micros);
        String body = "{\"status\":{\"$setElementOrder/conditions\":[{\"type\":\"MemoryPressure\"},{\"type\":\"DiskPressure\"},{\"type\":\"PIDPressure\"},{\"type\":\"Ready\"}],"
                + "\"conditions\":[{\"lastHeartbeatTime\":\"" + beat + "\",\"type\":\"MemoryPressure\"},{\"lastHeartbeatTime\":\"" + beat
                + "\",\"type\":\"DiskPressure\"},{\"lastHeartbeatTime\":\"" + beat + "\",\"type\":\"PIDPressure\"},{\"lastHeartbeatTime\":\"" + beat
                + "\",\"type\":\"Ready\"}]}}";
        String ref = "{\"resource\":\"nodes\",\"name\":\"" + node + "\",\"apiVersion\":\"v1\",\"subresource\":\"status\"}";
        both("patch", "system:node:" + node, "[\"system:nodes\",\"system:authenticated\"]", credential(true), KUBELET, "10.0.1." + random.nextInt(250),
                ref, ref, "/api/v1/nodes/" + node + "/status?timeout=10s", 200, "Request", ",\"requestObject\":" + body, 2000 + random.nextInt(8000), false);
    }

    private void podStatus() {
        String node = "node-" + random.nextInt(500);
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String pod = "app-" + Long.toString(random.nextInt(1 << 20), 36) + "-7d9f8c6b5-" + Long.toString(random.nextInt(1 << 24), 36);
        String now = ts(micros);
        String body = "{\"metadata\":{\"uid\":\"" + uuid() + "\"},\"status\":{\"$setElementOrder/conditions\":[{\"type\":\"PodReadyToStartContainers\"},"
                + "{\"type\":\"Initialized\"},{\"type\":\"Ready\"},{\"type\":\"ContainersReady\"},{\"type\":\"PodScheduled\"}],\"conditions\":[{\"lastTransitionTime\":\""
                + now + "\",\"status\":\"True\",\"type\":\"Ready\"},{\"lastTransitionTime\":\"" + now + "\",\"status\":\"True\",\"type\":\"ContainersReady\"}],"
                + "\"containerStatuses\":[{\"containerID\":\"containerd://" + uuid().replace("-", "") + "\",\"name\":\"main\",\"ready\":true,\"started\":true}]}}";
        String ref = "{\"resource\":\"pods\",\"namespace\":\"" + ns + "\",\"name\":\"" + pod + "\",\"apiVersion\":\"v1\",\"subresource\":\"status\"}";
        both("patch", "system:node:" + node, "[\"system:nodes\",\"system:authenticated\"]", credential(true), KUBELET, "10.0.2." + random.nextInt(250),
                ref, ref, "/api/v1/namespaces/" + ns + "/pods/" + pod + "/status", 200, "Request", ",\"requestObject\":" + body, 3000 + random.nextInt(9000), false);
    }

    private void eventCreate() {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String ref = "{\"resource\":\"events\",\"namespace\":\"" + ns + "\",\"name\":\"app." + Long.toHexString(random.nextLong() >>> 4)
                + "\",\"apiGroup\":\"events.k8s.io\",\"apiVersion\":\"v1\"}";
        both("create", "system:node:node-" + random.nextInt(500), "[\"system:nodes\",\"system:authenticated\"]", credential(true), KUBELET,
                "10.0.3." + random.nextInt(250), ref, ref, "/apis/events.k8s.io/v1/namespaces/" + ns + "/events", 201, "Metadata", "",
                1000 + random.nextInt(4000), false);
    }

    private void controllerStatus() {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        boolean cron = random.nextBoolean();
        String user = cron ? CRONJOB_CONTROLLER : JOB_CONTROLLER;
        String resource = cron ? "cronjobs" : "jobs";
        String name = (cron ? "cron-" : "job-") + Long.toString(random.nextInt(1 << 20), 36);
        String ref = "{\"resource\":\"" + resource + "\",\"namespace\":\"" + ns + "\",\"name\":\"" + name
                + "\",\"apiGroup\":\"batch\",\"apiVersion\":\"v1\",\"subresource\":\"status\"}";
        both("update", user, CONTROLLER_GROUPS, credential(false), KCM_AGENT + user, "10.0.0.10", ref, ref,
                "/apis/batch/v1/namespaces/" + ns + "/" + resource + "/" + name + "/status", 200, "Metadata", "", 3000 + random.nextInt(9000), false);
    }

    /** The Job controller removes its tracking finalizer from finished Pods: a pods patch the decoder parses, then drops. */
    private void finalizerPatch() {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String pod = "job-" + Long.toString(random.nextInt(1 << 20), 36) + "-" + Long.toString(random.nextInt(1 << 24), 36);
        String ref = "{\"resource\":\"pods\",\"namespace\":\"" + ns + "\",\"name\":\"" + pod + "\",\"apiVersion\":\"v1\"}";
        String body = "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"batch.kubernetes.io/job-tracking\"]}}";
        both("patch", JOB_CONTROLLER, CONTROLLER_GROUPS, credential(false), KCM_AGENT + JOB_CONTROLLER, "10.0.0.10", ref, ref,
                "/api/v1/namespaces/" + ns + "/pods/" + pod, 200, "Request", ",\"requestObject\":" + body, 3000 + random.nextInt(9000), false);
    }

    private void read(String verb) {
        String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
        String resource = READ_RESOURCES[random.nextInt(READ_RESOURCES.length)];
        boolean cluster = resource.equals("nodes");
        boolean human = random.nextInt(10) == 0;
        String user = human ? HUMANS[random.nextInt(3)] : "system:serviceaccount:" + ns + ":app-" + random.nextInt(40);
        String group = resource.equals("deployments") ? "apps" : "";
        String name = verb.equals("get") ? (resource.equals("nodes") ? "node-" + random.nextInt(500) : resource.substring(0, 3) + "-" + random.nextInt(200)) : null;
        String ref = "{\"resource\":\"" + resource + "\"" + (cluster ? "" : ",\"namespace\":\"" + ns + "\"") + (name != null ? ",\"name\":\"" + name + "\"" : "")
                + (group.isEmpty() ? "" : ",\"apiGroup\":\"" + group + "\"") + ",\"apiVersion\":\"v1\"}";
        String uri = (group.isEmpty() ? "/api/v1" : "/apis/apps/v1") + (cluster ? "" : "/namespaces/" + ns) + "/" + resource
                + (name != null ? "/" + name : verb.equals("list") ? "?limit=500&resourceVersion=0" : "?allowWatchBookmarks=true&resourceVersion="
                        + (48_000_000 + seq) + "&timeout=7m49s&timeoutSeconds=469&watch=true");
        // A watch's ResponseComplete is written when the watch ends; its duration is shortened here so lines waiting for
        // their event time stay few (real watches last minutes).
        both(verb, user, human ? "[\"oidc:engineering\",\"system:authenticated\"]" : "[\"system:serviceaccounts\",\"system:serviceaccounts:" + ns
                + "\",\"system:authenticated\"]", human ? "" : credential(true), human ? KUBECTL : READ_AGENTS[random.nextInt(READ_AGENTS.length)],
                "10.1." + random.nextInt(250) + "." + random.nextInt(250), ref, ref, uri, 200, "Metadata", "",
                verb.equals("watch") ? 20_000 + random.nextInt(80_000) : 500 + random.nextInt(6000), false);
    }

    // ---- event assembly ----

    /**
     * Queues the two stages of one request. {@code bodies} is the {@code ,"requestObject":...} text (empty at
     * Metadata level); the response arrives {@code latencyMicros} after the request.
     */
    private void both(String verb, String user, String groups, String extra, String agent, String ip, String receivedRef, String objectRef,
            String uri, int code, String level, String bodies, long latencyMicros, boolean relevant) {
        String auditId = uuid();
        String userInfo = "\",\"requestURI\":\"" + uri + "\",\"verb\":\"" + verb + "\",\"user\":{\"username\":\"" + user + "\",\"uid\":\""
                + uuid() + "\",\"groups\":" + groups + extra + "},\"sourceIPs\":[\"" + ip + "\"],\"userAgent\":\"" + agent + "\",\"objectRef\":";
        String head = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"" + level + "\",\"auditID\":\"" + auditId + "\",\"stage\":\"";
        String received = ts(micros);
        long doneMicros = micros + latencyMicros;
        if (!mix.relevantEventsOnly()) {
            lines.add(new Line(micros, order++, head + "RequestReceived" + userInfo + receivedRef + ",\"requestReceivedTimestamp\":\"" + received
                    + "\",\"stageTimestamp\":\"" + received + "\"}"));
        }
        if (mix.relevantEventsOnly() && !relevant) {
            return;
        }
        lines.add(new Line(doneMicros, order++, head + "ResponseComplete" + userInfo + objectRef + ",\"responseStatus\":{\"metadata\":{},\"code\":" + code + "}"
                + bodies + ",\"requestReceivedTimestamp\":\"" + received + "\",\"stageTimestamp\":\"" + ts(doneMicros)
                + "\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"system:"
                + verb + "\\\" of ClusterRole \\\"system:" + verb + "\\\"\"}}"));
    }

    /** {@code user.extra} of a bound service-account token (Kubernetes 1.30+); pod-bound tokens also name the pod and node. */
    private String credential(boolean podBound) {
        String id = ",\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=" + uuid() + "\"]";
        if (!podBound) {
            return id + "}";
        }
        return id + ",\"authentication.kubernetes.io/node-name\":[\"node-" + (seq % 500) + "\"],\"authentication.kubernetes.io/pod-name\":[\"app-"
                + Long.toString(seq % 9973, 36) + "-7d9f8c6b5-x2k4p\"]}";
    }

    /** RFC 3339 with microseconds, as the API server writes; the text of the current second is cached. */
    private String ts(long atMicros) {
        long second = Math.floorDiv(atMicros, 1_000_000);
        if (second != cachedSecond) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            cachedSecond = second;
            cachedSecondText = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond());
        }
        int fraction = (int) Math.floorMod(atMicros, 1_000_000);
        char[] digits = {'0', '0', '0', '0', '0', '0', 'Z'};
        for (int i = 5; i >= 0; i--) {
            digits[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        return cachedSecondText.concat(new String(digits));
    }

    /** A random (version 4) UUID from the seeded stream. */
    private String uuid() {
        long hi = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        char[] c = new char[36];
        int p = 0;
        for (int i = 15; i >= 0; i--) {
            c[p++] = HEX[(int) (hi >>> (i * 4)) & 0xf];
            if (p == 8 || p == 13 || p == 18) {
                c[p++] = '-';
            }
        }
        for (int i = 15; i >= 0; i--) {
            c[p++] = HEX[(int) (lo >>> (i * 4)) & 0xf];
            if (p == 23) {
                c[p++] = '-';
            }
        }
        return new String(c);
    }
}
