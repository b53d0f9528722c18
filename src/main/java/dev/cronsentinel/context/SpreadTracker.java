package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorSpread;
import dev.cronsentinel.model.Signal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure logic of the cross-namespace-spread signal over one actor's {@link ActorSpread}: one actor creating
 * workloads in {@code context.spread.namespaces} or more namespaces within {@code context.spread.window}.
 *
 * <p>Spreads chain into episodes (creates that keep the count at or above the threshold, less than a window
 * apart). An episode is new, and signalled on every create that belongs to it, unless the actor already
 * spread within the lookback before it: then spreading is what this actor does (a GitOps controller syncing
 * many namespaces), and the episode is habitual and silent.
 */
public final class SpreadTracker {
    private static final int MAX_NAMESPACES_SHOWN = 8;

    private SpreadTracker() {}

    /** The state after a create, and the spread signal it raises (null when none). */
    public record Result(ActorSpread state, Signal signal) {}

    public static Result observe(ActorSpread state, String namespace, long time, ContextConfig cfg) {
        long window = cfg.spreadWindow().toMillis();
        long lookback = cfg.lookback().toMillis();
        ActorSpread s = state != null ? state : new ActorSpread(Map.of(), 0L, false, 0L);
        Map<String, Long> recent = new HashMap<>();
        for (Map.Entry<String, Long> e : s.recentNamespaces().entrySet()) {
            if (e.getValue() > time - window) {
                recent.put(e.getKey(), e.getValue());
            }
        }
        ActorProfiles.put(recent, namespace == null ? "" : namespace, time, cfg.spreadMaxNamespaces());

        List<String> within = new ArrayList<>();
        for (Map.Entry<String, Long> e : recent.entrySet()) {
            if (e.getValue() < time + window) {
                within.add(e.getKey());
            }
        }
        long lastSpreadAt = s.lastSpreadAt();
        boolean episodeNew = s.episodeNew();
        Signal signal = null;
        if (within.size() >= cfg.spreadNamespaces()) {
            boolean continuing = lastSpreadAt != 0 && time - lastSpreadAt < window;
            if (!continuing) {
                boolean habitual = lastSpreadAt != 0 && time - lastSpreadAt <= lookback;
                episodeNew = !habitual;
            }
            lastSpreadAt = Math.max(lastSpreadAt, time);
            if (episodeNew) {
                within.sort(String::compareTo);
                String shown = within.size() <= MAX_NAMESPACES_SHOWN ? String.join(", ", within)
                        : String.join(", ", within.subList(0, MAX_NAMESPACES_SHOWN)) + " (+" + (within.size() - MAX_NAMESPACES_SHOWN) + " more)";
                signal = new Signal(ContextSignals.CROSS_NAMESPACE_SPREAD, ContextSignals.CROSS_NAMESPACE_SPREAD,
                        cfg.weights().crossNamespaceSpread(), "objectRef.namespace",
                        within.size() + " namespaces within " + ContextScorer.human(cfg.spreadWindow()) + ": " + shown);
            }
        }
        return new Result(new ActorSpread(recent, lastSpreadAt, episodeNew, s.pruneAt()), signal);
    }

    /** The state without namespaces older than a window and a spread older than the lookback; null when empty. */
    public static ActorSpread prune(ActorSpread s, long now, ContextConfig cfg) {
        long window = cfg.spreadWindow().toMillis();
        Map<String, Long> recent = new HashMap<>();
        for (Map.Entry<String, Long> e : s.recentNamespaces().entrySet()) {
            if (e.getValue() > now - window) {
                recent.put(e.getKey(), e.getValue());
            }
        }
        boolean spreadKept = s.lastSpreadAt() != 0 && s.lastSpreadAt() > now - cfg.lookback().toMillis();
        if (recent.isEmpty() && !spreadKept) {
            return null;
        }
        return new ActorSpread(recent, spreadKept ? s.lastSpreadAt() : 0L, spreadKept && s.episodeNew(), s.pruneAt());
    }

    /** When the first part of the state expires. */
    public static long nextExpiry(ActorSpread s, ContextConfig cfg) {
        long min = Long.MAX_VALUE;
        for (long t : s.recentNamespaces().values()) {
            min = Math.min(min, t + cfg.spreadWindow().toMillis());
        }
        if (s.lastSpreadAt() != 0) {
            min = Math.min(min, s.lastSpreadAt() + cfg.lookback().toMillis());
        }
        return min;
    }
}
