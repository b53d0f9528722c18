package dev.cronsentinel.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.config.DecoderConfig;
import dev.cronsentinel.correlate.ChainWindows;
import dev.cronsentinel.correlate.CronSchedules;
import dev.cronsentinel.correlate.LinkKeys;
import dev.cronsentinel.ingest.AuditDecoder;
import dev.cronsentinel.ingest.EventClassifier;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.RawAuditRecord;
import dev.cronsentinel.model.WorkloadEvent;
import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke test of the load generator: its output decodes with the real decoder, the mix has the configured
 * proportions (within binomial tolerances computed from the sample sizes), chains link the way the correlation
 * stage links them, and the bytes are a function of the seed.
 */
class AuditTrafficGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two-sided tolerance in standard deviations: a false failure has probability below 1e-6 per check. */
    private static final double Z = 5.0;
    private static final Pattern GENERATED_POD = Pattern.compile("^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$");

    /** Collects the decoder's output for one record at a time. */
    private static final class Collect implements AuditDecoder.Output {
        final List<WorkloadEvent> events = new ArrayList<>();
        final List<DeadLetter> dead = new ArrayList<>();
        final Map<String, Long> filtered = new TreeMap<>();

        @Override
        public void event(WorkloadEvent event) {
            events.add(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            dead.add(deadLetter);
        }

        @Override
        public void filtered(String reason) {
            filtered.merge(reason, 1L, Long::sum);
        }

        @Override
        public void undecodable(dev.cronsentinel.model.UndecodableEvent finding) {
            dead.add(new DeadLetter(finding.origin(), finding.position(), "undecodable:" + finding.reason(), finding.detail(), new byte[0], 0));
        }
    }

    @Test
    void realisticMixDecodesWithTheConfiguredProportions() throws IOException {
        AuditTrafficGenerator.Mix mix = AuditTrafficGenerator.Mix.realistic();
        AuditTrafficGenerator gen = new AuditTrafficGenerator(7, mix);
        AuditDecoder decoder = new AuditDecoder(DecoderConfig.defaults());
        EventClassifier classifier = new EventClassifier(DecoderConfig.defaults());
        Collect out = new Collect();
        int n = 200_000;
        long bytes = 0;
        long responseComplete = 0;
        long relevantLines = 0;
        Map<String, Integer> stages = new HashMap<>();
        Set<String> kinds = new HashSet<>();
        String lastStageTimestamp = "";
        for (int i = 0; i < n; i++) {
            byte[] line = gen.next();
            bytes += line.length + 1;
            int before = out.events.size();
            decoder.decode(new RawAuditRecord("gen", i, line), out);
            assertTrue(out.dead.isEmpty(), () -> "dead letter: " + out.dead.get(0));

            JsonNode e = JSON.readTree(line);
            String stage = e.get("stage").asText();
            String verb = e.get("verb").asText();
            String resource = e.path("objectRef").path("resource").asText();
            String stageTimestamp = e.get("stageTimestamp").asText();
            assertTrue(stageTimestamp.compareTo(lastStageTimestamp) >= 0, "event time went back at line " + i);
            lastStageTimestamp = stageTimestamp;
            stages.merge(e.get("auditID").asText(), stage.equals("RequestReceived") ? 1 : 2, (a, b) -> a | b);
            kinds.add(verb + " " + resource);
            if (stage.equals("ResponseComplete")) {
                responseComplete++;
                boolean workloadCreate = verb.equals("create") && Set.of("cronjobs", "jobs", "pods").contains(resource);
                relevantLines += workloadCreate ? 1 : 0;
                // Exactly the workload creates decode into an event; everything else is filtered.
                assertEquals(workloadCreate ? before + 1 : before, out.events.size(), () -> "line " + e);
            } else {
                assertEquals(before, out.events.size());
            }
        }
        // Requests whose ResponseComplete had not been written yet when the sample ended: it must follow.
        Set<String> open = new HashSet<>();
        stages.forEach((id, mask) -> {
            assertTrue((mask & 1) != 0, "ResponseComplete without RequestReceived: " + id);
            if (mask != 3) {
                open.add(id);
            }
        });
        assertTrue(open.size() < 500, open.size() + " requests without their second stage");
        for (int i = 0; i < 10_000 && !open.isEmpty(); i++) {
            JsonNode e = JSON.readTree(gen.next());
            if (e.get("stage").asText().equals("ResponseComplete")) {
                open.remove(e.get("auditID").asText());
            }
        }
        assertTrue(open.isEmpty(), "requests never completed: " + open);

        long decoded = out.events.size();
        long filtered = out.filtered.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(n, decoded + filtered);
        assertEquals(relevantLines, decoded);
        // One Bernoulli trial per request: the relevant count among the requests is binomial.
        assertShare("relevant", mix.relevantShare(), decoded, responseComplete);

        long malicious = 0;
        long roots = 0;
        for (WorkloadEvent w : out.events) {
            EventRole role = classifier.classify(w);
            assertNotNull(role, () -> "dropped: " + w);
            assertFalse(w.templates().isEmpty(), () -> "no pod template in " + w);
            assertNotNull(w.uid(), "RequestResponse level: the stored object's uid");
            if (role == EventRole.WORKLOAD) {
                roots++;
                malicious += malicious(w) ? 1 : 0;
            } else {
                assertEquals(EventRole.SPAWN, role);
            }
        }
        // Malicious chains are a share of all relevant requests, spawns included.
        assertShare("malicious", mix.maliciousShare(), malicious, decoded);
        assertTrue(roots < decoded, "some relevant requests are spawns");

        double average = (double) bytes / n;
        assertTrue(average >= 1000 && average <= 1400, "average event size " + average);
        for (String kind : List.of("update leases", "get configmaps", "list configmaps", "watch configmaps", "get secrets",
                "list pods", "watch pods", "patch nodes", "create events", "create cronjobs", "create jobs", "create pods")) {
            assertTrue(kinds.contains(kind), () -> "no '" + kind + "' in " + kinds);
        }
        AuditTrafficGenerator.Counts c = gen.counts();
        assertTrue(c.createBodyMin >= 1000 && c.createBodyMax <= 6 * 1024, "create bodies " + c.createBodyMin + ".." + c.createBodyMax);
        System.out.println(LoadGeneratorMain.summary(c, Double.NaN));
        System.out.println("decoder filtered: " + out.filtered);
    }

    @Test
    void spawnedJobsAndPodsLinkToTheirRoots() {
        for (String level : List.of("RequestResponse", "Request")) {
            AuditTrafficGenerator.Mix base = AuditTrafficGenerator.Mix.relevantOnly();
            // 10000 requests are 50 s of event time from 23:59:30: CronJobs created before midnight fire at 00:00.
            AuditTrafficGenerator.Mix mix = new AuditTrafficGenerator.Mix(base.relevantShare(), base.maliciousShare(),
                    base.startMillis() - 30_000, base.stepMicros(), true, level);
            AuditTrafficGenerator gen = new AuditTrafficGenerator(11, mix);
            List<WorkloadEvent> events = decodeAll(gen, 10_000);
            checkChains(events, gen.counts(), level.equals("RequestResponse"));
        }
    }

    private static void checkChains(List<WorkloadEvent> events, AuditTrafficGenerator.Counts counts, boolean uids) {
        EventClassifier classifier = new EventClassifier(DecoderConfig.defaults());
        CorrelationConfig correlation = CorrelationConfig.defaults();
        LinkKeys keys = new LinkKeys(correlation.maxWindow().toMillis());
        CronSchedules schedules = new CronSchedules(ZoneOffset.UTC);
        ChainWindows windows = new ChainWindows(correlation, schedules);
        Map<String, WorkloadEvent> cronJobs = new HashMap<>();
        Map<String, WorkloadEvent> jobs = new HashMap<>();
        Map<WorkloadEvent, List<WorkloadEvent>> jobsOf = new java.util.IdentityHashMap<>();
        Map<WorkloadEvent, Integer> podsOf = new java.util.IdentityHashMap<>();
        long cronJobChains = 0;
        long jobChains = 0;
        for (WorkloadEvent e : events) {
            EventRole role = classifier.classify(e);
            String key = e.namespace() + "/" + e.name();
            if (role == EventRole.WORKLOAD) {
                assertNull(e.ownerKind(), "roots have no owner");
                if (uids) {
                    assertNotNull(e.uid());
                } else {
                    assertNull(e.uid(), "at Request level the create has no uid");
                }
                if (e.resource().equals("cronjobs")) {
                    assertNotNull(e.schedule());
                    cronJobs.put(key, e);
                } else if (e.resource().equals("jobs")) {
                    jobs.put(key, e);
                }
                continue;
            }
            assertEquals(EventRole.SPAWN, role, () -> "unexpected " + e);
            if (e.resource().equals("jobs")) {
                assertEquals(AuditTrafficGenerator.CRONJOB_CONTROLLER, e.username());
                assertEquals("CronJob", e.ownerKind());
                String cronJob = keys.cronJobOf(e);
                WorkloadEvent root = cronJobs.get(e.namespace() + "/" + cronJob);
                assertNotNull(root, () -> "spawned Job " + key + " of an unknown CronJob");
                assertEquals(root.name(), e.ownerName());
                assertNotNull(e.ownerUid(), "the controller always writes the owner's uid");
                if (uids) {
                    assertEquals(root.uid(), e.ownerUid());
                }
                // Without an owner reference, the name alone still links: <cronjob>-<scheduled minute>.
                assertEquals(root.name(), keys.cronJobOfJobName(e.name(), e.eventTime()));
                assertTrue(e.eventTime() >= root.eventTime());
                sameTemplate(root, e);
                jobs.put(key, e);
                jobsOf.computeIfAbsent(root, r -> new ArrayList<>()).add(e);
            } else {
                assertEquals("pods", e.resource());
                assertEquals(AuditTrafficGenerator.JOB_CONTROLLER, e.username());
                assertEquals("Job", e.ownerKind());
                String jobName = keys.jobOf(e);
                WorkloadEvent job = jobs.get(e.namespace() + "/" + jobName);
                assertNotNull(job, () -> "Pod " + key + " of an unknown Job");
                assertEquals(job.name(), e.ownerName());
                assertEquals(job.name(), e.jobNameLabel());
                if (uids) {
                    assertEquals(job.uid(), e.ownerUid());
                    var m = GENERATED_POD.matcher(e.name());
                    assertTrue(m.matches() && m.group(1).equals(job.name()), () -> "generated Pod name " + e.name());
                } else {
                    assertEquals(job.name() + "-", e.name(), "at Request level only the generateName is known");
                }
                assertTrue(e.eventTime() >= job.eventTime());
                sameTemplate(job, e);
                if (classifier.classify(job) == EventRole.WORKLOAD) {
                    jobChains++;
                } else {
                    podsOf.merge(job, 1, Integer::sum);
                }
            }
        }
        for (Map.Entry<WorkloadEvent, List<WorkloadEvent>> entry : jobsOf.entrySet()) {
            WorkloadEvent root = entry.getKey();
            List<WorkloadEvent> spawned = entry.getValue();
            long previous = Long.MIN_VALUE;
            for (WorkloadEvent job : spawned) {
                long minute = Long.parseLong(job.name().substring(root.name().length() + 1));
                assertTrue(minute > previous, () -> "Jobs of " + root.name() + " out of schedule order: " + spawned);
                previous = minute;
            }
            // The first Job is for the first fire after the CronJob was stored, which is a few milliseconds before
            // the create's stageTimestamp (a fire in between belongs to the CronJob too).
            WorkloadEvent first = spawned.get(0);
            long firstMinute = Long.parseLong(first.name().substring(root.name().length() + 1));
            long fire = schedules.nextFireAfter(root.schedule(), root.timeZone(), root.eventTime()).getAsLong() / 60_000;
            long fireIfStoredEarlier = schedules.nextFireAfter(root.schedule(), root.timeZone(), root.eventTime() - 40).getAsLong() / 60_000;
            assertTrue(firstMinute == fire || firstMinute == fireIfStoredEarlier,
                    () -> "first Job " + first.name() + ", expected the minute " + fire + " for " + root.schedule());
            assertTrue(first.eventTime() <= windows.cronJobDeadline(root.eventTime(), root.schedule(), root.timeZone()),
                    () -> "Job " + first.name() + " after its root's window");
            cronJobChains += podsOf.getOrDefault(first, 0) > 0 ? 1 : 0;
        }
        System.out.printf("%s level: %d CronJob->Job->Pod and %d Job->Pod chains decoded and linked%n",
                uids ? "RequestResponse" : "Request", cronJobChains, jobChains);
        // The last chains may still have been in flight when the sample ended.
        assertTrue(cronJobChains > 100 && cronJobChains <= counts.completeCronJobChains && cronJobChains >= counts.completeCronJobChains - 20,
                "CronJob chains: decoded " + cronJobChains + ", generated " + counts.completeCronJobChains);
        assertTrue(jobChains > 100 && jobChains <= counts.completeJobChains && jobChains >= counts.completeJobChains - 20,
                "Job chains: decoded " + jobChains + ", generated " + counts.completeJobChains);
        assertTrue(counts.maliciousCompleteChains > 0);
    }

    /** A spawn runs its root's template: same containers and commands, so a malicious root's spawns carry the attack. */
    private static void sameTemplate(WorkloadEvent root, WorkloadEvent spawn) {
        PodTemplate a = root.templates().get(0);
        PodTemplate b = spawn.templates().get(0);
        assertEquals(a.containers().size(), b.containers().size());
        for (int i = 0; i < a.containers().size(); i++) {
            assertEquals(a.containers().get(i).args(), b.containers().get(i).args());
            assertEquals(a.containers().get(i).image(), b.containers().get(i).image());
            assertEquals(a.containers().get(i).privileged(), b.containers().get(i).privileged());
        }
        assertEquals(malicious(root), malicious(spawn));
    }

    @Test
    void relevantOnlyIsResponseCompleteWorkloadEventsOnly() throws IOException {
        AuditTrafficGenerator gen = new AuditTrafficGenerator(3, AuditTrafficGenerator.Mix.relevantOnly());
        AuditDecoder decoder = new AuditDecoder(DecoderConfig.defaults());
        EventClassifier classifier = new EventClassifier(DecoderConfig.defaults());
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            byte[] line = gen.next();
            Collect out = new Collect();
            decoder.decode(new RawAuditRecord("gen", i, line), out);
            assertEquals(1, out.events.size(), () -> "not one workload event: " + out.filtered + " " + out.dead);
            assertEquals("ResponseComplete", JSON.readTree(line).get("stage").asText());
            assertNotNull(classifier.classify(out.events.get(0)));
        }
        // Requests are counted when drawn: a few are still in flight.
        assertTrue(gen.counts().relevantRequests >= n && gen.counts().relevantRequests < n + 20);
        assertEquals(n, gen.counts().events);
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        for (AuditTrafficGenerator.Mix mix : List.of(AuditTrafficGenerator.Mix.realistic(), AuditTrafficGenerator.Mix.relevantOnly())) {
            AuditTrafficGenerator a = new AuditTrafficGenerator(42, mix);
            AuditTrafficGenerator b = new AuditTrafficGenerator(42, mix);
            AuditTrafficGenerator c = new AuditTrafficGenerator(43, mix);
            boolean differs = false;
            int n = mix.relevantEventsOnly() ? 5_000 : 30_000;
            for (int i = 0; i < n; i++) {
                byte[] x = a.next();
                assertArrayEquals(x, b.next(), "line " + i);
                differs |= !java.util.Arrays.equals(x, c.next());
            }
            assertTrue(differs, "another seed gives other bytes");
        }
    }

    private static List<WorkloadEvent> decodeAll(AuditTrafficGenerator gen, int n) {
        AuditDecoder decoder = new AuditDecoder(DecoderConfig.defaults());
        Collect out = new Collect();
        for (int i = 0; i < n; i++) {
            decoder.decode(new RawAuditRecord("gen", i, gen.next()), out);
        }
        assertTrue(out.dead.isEmpty(), () -> "dead letter: " + out.dead.get(0));
        return out.events;
    }

    private static boolean malicious(WorkloadEvent e) {
        for (PodTemplate t : e.templates()) {
            for (ContainerSpec c : t.containers()) {
                for (String attack : PodTemplateBody.ATTACKS) {
                    if (c.args() != null && c.args().contains(attack)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Asserts that {@code hits} of {@code trials} matches {@code p} within {@link #Z} binomial standard deviations. */
    private static void assertShare(String what, double p, long hits, long trials) {
        double observed = (double) hits / trials;
        double tolerance = Z * Math.sqrt(p * (1 - p) / trials);
        assertTrue(Math.abs(observed - p) <= tolerance,
                String.format("%s share %.5f, configured %.5f, tolerance %.5f (%d of %d)", what, observed, p, tolerance, hits, trials));
    }
}
