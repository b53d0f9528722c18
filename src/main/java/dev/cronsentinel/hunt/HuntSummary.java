package dev.cronsentinel.hunt;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.Severity;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a hunt found, in the form both the terminal table and {@code summary.json} show: the alerts by severity
 * and kind, the actors and namespaces with most alerts, every escalated chain with its root actor, and the dead
 * letters by reason, beside the input read and the throughput.
 *
 * @param since lower bound of the alert window (ISO-8601, inclusive), null when open
 * @param until upper bound of the alert window (ISO-8601, exclusive), null when open
 */
public record HuntSummary(
        int files,
        long bytes,
        long records,
        long elapsedMillis,
        double recordsPerSecond,
        String since,
        String until,
        int alerts,
        Map<String, Long> bySeverity,
        Map<String, Long> byKind,
        List<Count> topActors,
        List<Count> topNamespaces,
        List<Chain> escalations,
        long deadLetters,
        Map<String, Long> deadLettersByReason) {

    /** How many of the reported alerts name one actor or namespace. */
    public record Count(String name, long alerts) {}

    /** One escalated chain: its root, the human (or identity) who wrote it, and what it spawned. */
    public record Chain(String alertId, String severity, String namespace, String root, String rootActor,
                        String rootCreated, int jobs, int pods, String lastSpawn) {}

    static final int TOP = 10;

    /**
     * Alerts are an upsert stream: an escalation or a grouped alert comes again under its id with a higher
     * count. This keeps one version per id, the one with the highest count (the later one on a tie), ordered
     * most severe first.
     */
    public static List<Alert> finalVersions(Collection<Alert> received) {
        Map<String, Alert> latest = new LinkedHashMap<>();
        for (Alert a : received) {
            latest.merge(a.alertId(), a, (old, now) -> now.count() >= old.count() ? now : old);
        }
        return latest.values().stream()
                .sorted(Comparator.comparing(Alert::severity).reversed()
                        .thenComparing(Comparator.comparingInt(Alert::score).reversed())
                        .thenComparingLong(Alert::firstSeen)
                        .thenComparing(Alert::alertId))
                .toList();
    }

    /** True when the alert's span of event time, first to last seen, meets the window [since, until). */
    static boolean inWindow(Alert a, Long since, Long until) {
        long first = Math.min(a.firstSeen(), a.eventTime());
        long last = Math.max(a.lastSeen(), a.eventTime());
        return (since == null || last >= since) && (until == null || first < until);
    }

    public static HuntSummary of(List<Alert> alerts, List<DeadLetter> deadLetters, HuntProgress.Snapshot read,
                                 Long since, Long until) {
        Map<String, Long> bySeverity = new LinkedHashMap<>();
        for (int i = Severity.values().length - 1; i >= 0; i--) {
            Severity s = Severity.values()[i];
            long n = alerts.stream().filter(a -> a.severity() == s).count();
            if (n > 0) {
                bySeverity.put(s.toString(), n);
            }
        }
        Map<String, Long> byKind = new TreeMap<>(alerts.stream()
                .collect(Collectors.groupingBy(a -> a.kind().name().toLowerCase(Locale.ROOT), Collectors.counting())));
        List<Chain> chains = alerts.stream().filter(a -> a.kind() == AlertKind.ESCALATION)
                .map(HuntSummary::chain).toList();
        Map<String, Long> dead = new TreeMap<>(deadLetters.stream()
                .collect(Collectors.groupingBy(DeadLetter::reason, Collectors.counting())));
        return new HuntSummary(read.totalFiles(), read.bytesRead(), read.records(), read.elapsedMillis(),
                read.recordsPerSecond(), since == null ? null : Instant.ofEpochMilli(since).toString(),
                until == null ? null : Instant.ofEpochMilli(until).toString(), alerts.size(), bySeverity, byKind,
                top(alerts, Alert::username), top(alerts, Alert::namespace), chains, deadLetters.size(), dead);
    }

    private static Chain chain(Alert a) {
        int jobs = 0;
        int pods = 0;
        for (ChainLink l : a.chain()) {
            if (l.spawn() && l.resource().equals("jobs")) {
                jobs++;
            } else if (l.spawn() && l.resource().equals("pods")) {
                pods++;
            }
        }
        return new Chain(a.alertId(), a.severity().toString(), a.namespace(), a.resource() + "/" + a.name(), a.username(),
                Instant.ofEpochMilli(a.firstSeen()).toString(), jobs, pods, Instant.ofEpochMilli(a.lastSeen()).toString());
    }

    private static List<Count> top(List<Alert> alerts, Function<Alert, String> by) {
        return alerts.stream()
                .collect(Collectors.groupingBy(a -> String.valueOf(by.apply(a)), Collectors.counting()))
                .entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .map(e -> new Count(e.getKey(), e.getValue()))
                .toList();
    }

    /**
     * The terminal table. Names come from the audit log, which the attacker writes: control characters are
     * shown as {@code \\uXXXX} so a name cannot move the cursor or recolour the analyst's terminal.
     */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nCronSentinel hunt: %d files, %s, %,d records in %s (%,.0f records/s)%n",
                files, HuntProgress.bytes(bytes), records, HuntProgress.clock(elapsedMillis), recordsPerSecond));
        if (since != null || until != null) {
            out.append("alert window: ").append(since == null ? "-" : since).append(" .. ")
                    .append(until == null ? "-" : until).append('\n');
        }
        out.append(String.format(Locale.ROOT, "%nalerts: %d%n", alerts));
        section(out, "by severity", bySeverity);
        section(out, "by kind", byKind);
        counts(out, "top actors", topActors);
        counts(out, "top namespaces", topNamespaces);
        out.append(String.format(Locale.ROOT, "%nescalated chains: %d%n", escalations.size()));
        for (Chain c : escalations) {
            out.append(String.format(Locale.ROOT, "  %-8s %s/%s by %s, created %s: %d job(s), %d pod(s), last spawn %s%n",
                    c.severity(), terminalSafe(c.namespace()), terminalSafe(c.root()), terminalSafe(c.rootActor()),
                    c.rootCreated(), c.jobs(), c.pods(), c.lastSpawn()));
        }
        out.append(String.format(Locale.ROOT, "%ndead letters: %d%n", deadLetters));
        deadLettersByReason.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-32s %6d%n", k, v)));
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, Long> rows) {
        out.append("  ").append(title).append(":\n");
        rows.forEach((k, v) -> out.append(String.format(Locale.ROOT, "    %-30s %6d%n", k, v)));
    }

    private static void counts(StringBuilder out, String title, List<Count> rows) {
        out.append("  ").append(title).append(":\n");
        for (Count c : rows) {
            out.append(String.format(Locale.ROOT, "    %-60s %6d%n", terminalSafe(c.name()), c.alerts()));
        }
    }

    static String terminalSafe(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
