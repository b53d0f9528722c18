package dev.cronsentinel.correlate;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Everything one escalation or orphan alert has gathered so far. Folding is order-independent: the chain keeps
 * the earliest spawns (by time, then resource and name), counts and times are sums, minima and maxima, and the
 * evidence is the strongest spawn, so the alert a chain ends with does not depend on arrival order.
 *
 * @param chain at most {@code maxLinks} spawned objects, earliest first
 * @param jobs Jobs folded in (the chain may list fewer)
 * @param pods Pods folded in
 * @param steps the root's lifecycle steps (resume, delete), earliest first, at most {@link #MAX_STEPS}: kept
 *     apart from the spawns so a long chain never crowds them out
 * @param lifecycleSignals the root's lifecycle signals, one per id (the highest weight), sorted by id
 */
public record ChainAggregate(
        AlertKind kind,
        RootContext root,
        Spawn evidence,
        List<ChainLink> chain,
        long jobs,
        long pods,
        long firstSpawn,
        long lastSpawn,
        long expiresAt,
        List<ChainLink> steps,
        List<Signal> lifecycleSignals) {

    /** Lifecycle steps one alert lists: a root is resumed and deleted a handful of times at most. */
    static final int MAX_STEPS = 8;

    private static final Comparator<ChainLink> EARLIEST = Comparator.comparingLong(ChainLink::time)
            .thenComparing(ChainLink::resource, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ChainLink::name, Comparator.nullsLast(Comparator.naturalOrder()));

    public static ChainAggregate start(ChainFinding f, int maxLinks) {
        return new ChainAggregate(f.kind(), f.root(), null, List.of(), 0, 0, Long.MAX_VALUE, Long.MIN_VALUE, f.expiresAt(),
                List.of(), List.of()).fold(f, maxLinks);
    }

    public ChainAggregate fold(ChainFinding f, int maxLinks) {
        List<ChainLink> merged = new ArrayList<>(chain);
        long j = jobs;
        long p = pods;
        long first = firstSpawn;
        long last = lastSpawn;
        List<ChainLink> mergedSteps = new ArrayList<>(steps);
        for (ChainLink l : f.links()) {
            if (!l.spawn()) {
                if (!mergedSteps.contains(l)) {
                    mergedSteps.add(l);
                }
                continue;
            }
            if (contains(merged, l)) {
                continue;
            }
            merged.add(l);
            if ("jobs".equals(l.resource())) {
                j++;
            } else {
                p++;
            }
            first = Math.min(first, l.time());
            last = Math.max(last, l.time());
        }
        merged.sort(EARLIEST);
        if (merged.size() > maxLinks) {
            merged = new ArrayList<>(merged.subList(0, maxLinks));
        }
        mergedSteps.sort(EARLIEST);
        if (mergedSteps.size() > MAX_STEPS) {
            mergedSteps = new ArrayList<>(mergedSteps.subList(0, MAX_STEPS));
        }
        return new ChainAggregate(kind, root, stronger(evidence, f.evidence()), List.copyOf(merged), j, p, first, last,
                Math.max(expiresAt, f.expiresAt()), List.copyOf(mergedSteps), mergeSignals(lifecycleSignals, f.signals()));
    }

    /** One signal per id, the highest weight winning (then the smaller rule), sorted by id: order-independent. */
    private static List<Signal> mergeSignals(List<Signal> a, List<Signal> b) {
        if (b == null || b.isEmpty()) {
            return a;
        }
        TreeMap<String, Signal> byId = new TreeMap<>();
        for (List<Signal> list : List.of(a, b)) {
            for (Signal sig : list) {
                byId.merge(sig.id(), sig, (x, y) -> x.weight() != y.weight() ? (x.weight() > y.weight() ? x : y)
                        : (x.rule().compareTo(y.rule()) <= 0 ? x : y));
            }
        }
        return List.copyOf(byId.values());
    }

    /** The chain an alert lists: the spawns and the lifecycle steps, earliest first. */
    private List<ChainLink> chainWithSteps() {
        if (steps.isEmpty()) {
            return chain;
        }
        List<ChainLink> all = new ArrayList<>(chain);
        all.addAll(steps);
        all.sort(EARLIEST);
        return List.copyOf(all);
    }

    private static boolean contains(List<ChainLink> chain, ChainLink l) {
        for (ChainLink c : chain) {
            if (c.resource().equals(l.resource()) && c.name() != null && c.name().equals(l.name())) {
                return true;
            }
        }
        return false;
    }

    /** The higher score wins; on a tie the earlier spawn, then the smaller audit ID, so the choice is deterministic. */
    static Spawn stronger(Spawn a, Spawn b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.score() != b.score()) {
            return a.score() > b.score() ? a : b;
        }
        if (a.time() != b.time()) {
            return a.time() < b.time() ? a : b;
        }
        return String.valueOf(a.auditId()).compareTo(String.valueOf(b.auditId())) <= 0 ? a : b;
    }

    /** The alert document as of now; its id never changes for the same chain. */
    public Alert toAlert(String profile) {
        return kind == AlertKind.ORPHAN ? orphanAlert(profile) : escalationAlert(profile);
    }

    private Alert escalationAlert(String profile) {
        RootContext r = root;
        // An unscored root (its spec hidden by the audit policy) escalates on the spec of its suspicious spawn.
        boolean byEvidence = r.status() != RootStatus.SUSPICIOUS && evidence != null;
        List<Signal> signals = byEvidence ? evidence.signals() : r.signals();
        int score = byEvidence ? evidence.score() : r.score();
        if (!lifecycleSignals.isEmpty()) {
            signals = new ArrayList<>(signals);
            signals.addAll(lifecycleSignals);
            for (Signal l : lifecycleSignals) {
                score += l.weight();
            }
        }
        Severity base = byEvidence ? evidence.severity() : r.severity();
        String ruleVersion = r.ruleVersion() != null || evidence == null ? r.ruleVersion() : evidence.ruleVersion();
        List<String> images = r.images().isEmpty() && evidence != null ? evidence.images() : r.images();
        return new Alert(
                AlertIds.of(AlertKind.ESCALATION, r.identity(), ruleVersion),
                AlertKind.ESCALATION,
                profile,
                ruleVersion,
                lastSpawn,
                Instant.ofEpochMilli(lastSpawn).toString(),
                r.auditId(),
                r.username(),
                r.groups(),
                r.userAgent(),
                r.sourceIp(),
                r.namespace(),
                r.resource(),
                r.name(),
                r.verb(),
                r.responseCode(),
                signals,
                score,
                (base == null ? Severity.INFO : base).raised(),
                Alert.TECHNIQUE_ID,
                Alert.TACTICS,
                images,
                jobs + pods,
                r.time(),
                lastSpawn,
                chainWithSteps(),
                firstSpawn - r.time(),
                null,
                r.source());
    }

    private Alert orphanAlert(String profile) {
        RootContext r = root;
        Spawn e = evidence;
        return new Alert(
                AlertIds.of(AlertKind.ORPHAN, r.namespace(), r.resource(), r.name(), Long.toString(r.time()), e.ruleVersion()),
                AlertKind.ORPHAN,
                profile,
                e.ruleVersion(),
                lastSpawn,
                Instant.ofEpochMilli(lastSpawn).toString(),
                e.auditId(),
                e.username(),
                e.groups(),
                e.userAgent(),
                e.sourceIp(),
                r.namespace(),
                r.resource(),
                r.name(),
                "create",
                e.responseCode(),
                e.signals(),
                e.score(),
                e.severity(),
                Alert.TECHNIQUE_ID,
                Alert.TACTICS,
                e.images(),
                jobs + pods,
                firstSpawn,
                lastSpawn,
                chain,
                null,
                null,
                e.source());
    }
}
