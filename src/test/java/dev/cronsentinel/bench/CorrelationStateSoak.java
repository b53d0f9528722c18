package dev.cronsentinel.bench;

import dev.cronsentinel.bench.CorrelationBenchmark.ChainTraffic;
import dev.cronsentinel.bench.CorrelationBenchmark.Correlation;
import dev.cronsentinel.bench.CorrelationBenchmark.StageCounts;
import dev.cronsentinel.bench.CorrelationBenchmark.Step;
import dev.cronsentinel.config.CorrelationConfig;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.RuleSetLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Soak test of correlation state against its target: <b>correlation state &lt;= 1 KB per tracked root, memory flat
 * over a 10-minute run</b>. Runs the three correlation functions (the wiring and traffic of
 * {@link CorrelationBenchmark}: keyed operator test harnesses, heap backend or RocksDB) for a wall-clock duration,
 * feeding CronJob -> Job -> Pod chains at a steady rate in event-time order with watermarks following, so roots
 * come, spawn, escalate and expire all the time.
 *
 * <pre>
 *   scripts/bench-main.sh dev.cronsentinel.bench.CorrelationStateSoak --minutes 10 [--backend rocksdb]
 *       [--root-every-ms 10] [--roots-per-second 2000] [--sample-seconds 30] [--mix realistic|attack] [--seed 42]
 * </pre>
 *
 * <p>Defaults: one root per 10 ms of event time, fed at 2,000 roots per wall-clock second, so event time runs 20
 * times faster than the clock: the stages reach their steady state (one longest chain lifetime, 76 minutes of event
 * time) after about four minutes, and the second half of a 10-minute run is steady, with tens of thousands of roots
 * live. {@code --roots-per-second 0} feeds as fast as the machine allows.
 *
 * <p>Every sample (30 s) prints: elapsed time, events fed, event time covered, <b>tracked roots</b> (roots whose
 * chain still holds state: a CronJob root in the CronJob stage, or a human-created Job in the Job stage),
 * keyed state entries per stage (one per key and state name, counted through the backend's key iterator so RocksDB
 * is counted the same way), event-time timers, the <b>snapshot size</b> of the three operators (keyed state and
 * timers as the backend writes them into a checkpoint) and that size per tracked root, and the heap used after a
 * full GC. The snapshot per tracked root charges every root with all correlation state: its own record, its
 * spawned Jobs, its open escalation and its timers.
 *
 * <p>The end prints the bytes per tracked root (median of the samples taken once a longest chain lifetime of event
 * time had been fed), the heap slope over the second half of the run (least squares, MB per minute), and the verdict:
 * within target when the median is at most 1,024 bytes and the heap is flat, i.e. the slope would grow it by less
 * than 5% of its mean over the second half. The heap includes the harnesses and the traffic's queue of future spawns
 * (both bounded); with RocksDB the state lives off-heap and only the snapshot size speaks for it.
 *
 * <p>Sanity: every malicious root must escalate when its first Pod arrives, benign roots must never escalate, and
 * nothing may be late or orphaned; the run counts all of it. Exit status 0 within target, 1 when the sanity
 * checks failed, 2 when the target was missed or the run was too short to reach steady state.
 */
public final class CorrelationStateSoak {
    private static final double MB = 1024.0 * 1024.0;
    static final long TARGET_BYTES_PER_ROOT = 1024;
    static final double FLAT_SHARE = 0.05;

    private CorrelationStateSoak() {}

    record Options(double minutes, boolean rocksDb, long rootEveryMillis, double rootsPerSecond, int sampleSeconds,
                   String mix, long seed) {
        static Options parse(String[] args) {
            double minutes = 10;
            boolean rocksDb = false;
            long rootEvery = 10;
            double rate = 2000;
            int sample = 30;
            String mix = "realistic";
            long seed = 42;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--minutes" -> minutes = Double.parseDouble(value(args, ++i, a));
                    case "--backend" -> rocksDb = switch (value(args, ++i, a)) {
                        case "heap" -> false;
                        case "rocksdb" -> true;
                        default -> throw new IllegalArgumentException("--backend is heap or rocksdb");
                    };
                    case "--rocksdb" -> rocksDb = true;
                    case "--root-every-ms" -> rootEvery = Long.parseLong(value(args, ++i, a));
                    case "--roots-per-second" -> rate = Double.parseDouble(value(args, ++i, a));
                    case "--sample-seconds" -> sample = Integer.parseInt(value(args, ++i, a));
                    case "--mix" -> mix = value(args, ++i, a);
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--help", "-h" -> {
                        System.out.println("CorrelationStateSoak --minutes 10 [--backend heap|rocksdb] [--root-every-ms 10]"
                                + " [--roots-per-second 2000 (0: unpaced)] [--sample-seconds 30] [--mix realistic|attack] [--seed 42]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
                }
            }
            if (minutes <= 0 || rootEvery <= 0 || rate < 0 || sample <= 0) {
                throw new IllegalArgumentException("--minutes, --root-every-ms and --sample-seconds must be positive, --roots-per-second >= 0");
            }
            ChainTraffic.Mix.of(mix); // fails early on an unknown mix
            return new Options(minutes, rocksDb, rootEvery, rate, sample, mix, seed);
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }
    }

    /** One sample of the run. */
    record Sample(double minutes, long events, long eventTimeMillis, StageCounts counts, long snapshotBytes, long heapBytes,
                  boolean steady) {
        double bytesPerRoot() {
            return counts.trackedRoots() == 0 ? Double.NaN : (double) snapshotBytes / counts.trackedRoots();
        }
    }

    /**
     * Checks alerts as they come: the first Pod of a malicious chain must raise its root's escalation while it is
     * processed (the first emission does not wait for the watermark); only malicious roots may escalate.
     */
    static final class EscalationCheck {
        private final Set<String> awaiting = new HashSet<>();
        long expected;
        long escalated;
        long missing;
        long updates;
        long unexpected;

        void expect(String rootAuditId) {
            expected++;
            awaiting.add(rootAuditId);
        }

        void onAlert(Alert a) {
            if (a.kind() == AlertKind.ESCALATION && awaiting.remove(a.auditId())) {
                escalated++;
            } else if (a.kind() == AlertKind.ESCALATION && ChainTraffic.ATTACKER.equals(a.username())) {
                updates++; // a later emission of a malicious chain's alert, with the retried Pod counted
            } else {
                unexpected++; // an escalation of a benign root, or an orphan: neither is in this traffic
            }
        }

        /** After the event that had to raise it has been processed. */
        void settle(String rootAuditId) {
            if (awaiting.remove(rootAuditId)) {
                missing++;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        RuleSet rules = RuleSetLoader.load(Path.of(System.getProperty("cronsentinel.rules", "conf/rules/default.yaml")));
        CorrelationConfig cfg = CorrelationConfig.defaults().forRules(rules.profile(), rules.alertThreshold());
        long start = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
        ChainTraffic traffic = new ChainTraffic(o.seed(), ChainTraffic.Mix.of(o.mix()), start, o.rootEveryMillis(),
                rules.alertThreshold(), rules.version());
        long steadyAfter = traffic.longestChainMillis(cfg);
        EscalationCheck check = new EscalationCheck();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Sample> samples = new ArrayList<>();

        System.out.printf(Locale.ROOT, "correlation soak: %s backend, mix %s, one root per %d ms of event time, %s, %.1f min,"
                        + " sample every %d s; steady state after %d min of event time%n",
                o.rocksDb() ? "RocksDB" : "heap", o.mix(), o.rootEveryMillis(),
                o.rootsPerSecond() > 0 ? String.format(Locale.ROOT, "%.0f roots/s wall clock", o.rootsPerSecond()) : "unpaced",
                o.minutes(), o.sampleSeconds(), TimeUnit.MILLISECONDS.toMinutes(steadyAfter));

        int status;
        try (Correlation correlation = new Correlation(cfg, o.rocksDb(), check::onAlert)) {
            long begin = System.nanoTime();
            long end = begin + (long) (o.minutes() * 60e9);
            long sampleEvery = TimeUnit.SECONDS.toNanos(o.sampleSeconds());
            long nextSample = begin + sampleEvery;
            long paused = 0; // time spent sampling, left out of the pacing so feeding does not burst after a sample
            while (true) {
                long now = System.nanoTime();
                if (now >= nextSample || now >= end) {
                    long t0 = System.nanoTime();
                    Sample s = sample(correlation, traffic, memory, (now - begin) / 60e9, steadyAfter);
                    samples.add(s);
                    print(s, now - begin);
                    paused += System.nanoTime() - t0;
                    nextSample += sampleEvery;
                    if (now >= end) {
                        break;
                    }
                }
                if (o.rootsPerSecond() > 0) {
                    double due = (System.nanoTime() - begin - paused) / 1e9 * o.rootsPerSecond();
                    if (traffic.roots() > due) {
                        LockSupport.parkNanos(200_000);
                        continue;
                    }
                }
                for (int i = 0; i < 64; i++) {
                    Step step = traffic.next();
                    if (step.escalatesRoot() != null) {
                        check.expect(step.escalatesRoot());
                    }
                    if (!correlation.feed(step.event())) {
                        throw new IllegalStateException("correlation took no part in " + step.event().event());
                    }
                    if (step.escalatesRoot() != null) {
                        check.settle(step.escalatesRoot());
                    }
                }
            }
            status = summarize(o, samples, traffic, correlation, check);
        }
        System.exit(status);
    }

    private static Sample sample(Correlation c, ChainTraffic traffic, MemoryMXBean memory, double minutes, long steadyAfter)
            throws Exception {
        // the heap first, before the snapshot allocates its copy of the state
        memory.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        StageCounts counts = c.counts();
        long bytes = c.snapshotBytes();
        long covered = c.watermark() - traffic.startMillis();
        return new Sample(minutes, c.fed(), covered, counts, bytes, heap, covered >= steadyAfter);
    }

    private static void print(Sample s, long elapsedNanos) {
        StageCounts c = s.counts();
        System.out.printf(Locale.ROOT, "%6.1fs  events %,11d (%,7.0f/s)  event time +%4d min  tracked roots %,7d"
                        + "  state entries %,7d (cronjob %,d, job %,d, escalation %,d)  timers %,7d  snapshot %7.2f MB"
                        + "  %5.0f B/root  heap %7.1f MB%s%n",
                elapsedNanos / 1e9, s.events(), s.events() / (elapsedNanos / 1e9),
                TimeUnit.MILLISECONDS.toMinutes(s.eventTimeMillis()), c.trackedRoots(), c.entries(), c.cronJobStage(),
                c.jobStage(), c.escalationStage(), c.timers(), s.snapshotBytes() / MB, s.bytesPerRoot(), s.heapBytes() / MB,
                s.steady() ? "" : "  (warming up)");
    }

    private static int summarize(Options o, List<Sample> samples, ChainTraffic traffic, Correlation c, EscalationCheck check) {
        System.out.println();
        System.out.printf(Locale.ROOT, "fed %,d events of %,d roots (%,d malicious); alerts %,d: %,d escalations, %,d orphans; late %,d%n",
                c.fed(), traffic.roots(), traffic.maliciousRoots(), c.alerts(), c.escalations(), c.orphans(), c.late());
        System.out.printf(Locale.ROOT, "escalation check: %,d malicious roots reached their first Pod, %,d escalated at once,"
                        + " %,d did not; %,d updates of malicious chains; %,d unexpected alerts%n",
                check.expected, check.escalated, check.missing, check.updates, check.unexpected);
        boolean sane = check.expected > 0 && check.missing == 0 && check.unexpected == 0 && c.late() == 0;

        List<Sample> steady = samples.stream().filter(Sample::steady).toList();
        List<Sample> perRoot = steady.isEmpty() ? samples : steady;
        double median = median(perRoot.stream().mapToDouble(Sample::bytesPerRoot).filter(d -> !Double.isNaN(d)).sorted().toArray());
        double half = o.minutes() / 2;
        List<Sample> secondHalf = samples.stream().filter(s -> s.minutes() >= half).toList();
        double slope = slopeMbPerMinute(secondHalf);
        double meanHeap = secondHalf.stream().mapToDouble(s -> s.heapBytes() / MB).average().orElse(Double.NaN);
        double span = secondHalf.isEmpty() ? 0 : secondHalf.get(secondHalf.size() - 1).minutes() - secondHalf.get(0).minutes();
        boolean flat = !Double.isNaN(slope) && Math.abs(slope) * span <= FLAT_SHARE * meanHeap;

        System.out.printf(Locale.ROOT, "bytes per tracked root: %.0f (median of %d %s)%n", median, perRoot.size(),
                steady.isEmpty() ? "samples, none of them at steady state yet" : "steady-state samples");
        System.out.printf(Locale.ROOT, "heap slope over the second half: %s MB/min (%d samples, mean heap %.1f MB)%n",
                Double.isNaN(slope) ? "n/a" : String.format(Locale.ROOT, "%+.2f", slope), secondHalf.size(), meanHeap);

        String verdict;
        int status;
        if (!sane) {
            verdict = "FAILED sanity checks (see escalation check and late events above)";
            status = 1;
        } else if (steady.isEmpty() || Double.isNaN(slope)) {
            verdict = "INCONCLUSIVE: " + (steady.isEmpty() ? "steady state not reached" : "too few samples for a slope")
                    + "; run longer (--minutes 10) or faster (--roots-per-second)";
            status = 2;
        } else {
            boolean small = median <= TARGET_BYTES_PER_ROOT;
            verdict = (small && flat ? "WITHIN TARGET" : "TARGET MISSED") + String.format(Locale.ROOT,
                    ": %.0f B/root %s %d B; heap %s (%+.2f MB/min over %.1f min, limit %.1f MB = %.0f%% of mean heap)",
                    median, small ? "<=" : ">", TARGET_BYTES_PER_ROOT, flat ? "flat" : "NOT flat", slope, span,
                    FLAT_SHARE * meanHeap, FLAT_SHARE * 100);
            status = small && flat ? 0 : 2;
        }
        System.out.println("verdict: " + verdict);
        return status;
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** Least-squares slope of heap used (MB) over elapsed minutes; NaN with fewer than two samples. */
    static double slopeMbPerMinute(List<Sample> samples) {
        int n = samples.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sx = 0;
        double sy = 0;
        for (Sample s : samples) {
            sx += s.minutes();
            sy += s.heapBytes() / MB;
        }
        double mx = sx / n;
        double my = sy / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            double dx = s.minutes() - mx;
            sxy += dx * (s.heapBytes() / MB - my);
            sxx += dx * dx;
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
