package dev.cronsentinel.model;

import java.util.Map;

/**
 * The keyed state of one actor (across all namespaces) behind the cross-namespace-spread signal.
 *
 * @param recentNamespaces namespaces the actor created workloads in, each with the latest such event time;
 *     an entry leaves one spread window after it was last seen
 * @param lastSpreadAt event time of the latest create that was part of a spread, 0 when none within the
 *     lookback; an earlier spread within the lookback makes a new one habitual, not new
 * @param episodeNew whether the spread episode that {@code lastSpreadAt} belongs to was new (signalled) or
 *     habitual (silent); every create of one episode is judged alike
 * @param pruneAt event time of the pending prune timer of this key, 0 when none is pending
 */
public record ActorSpread(
        Map<String, Long> recentNamespaces,
        long lastSpreadAt,
        boolean episodeNew,
        long pruneAt) {

    public ActorSpread {
        recentNamespaces = recentNamespaces == null ? Map.of() : Map.copyOf(recentNamespaces);
    }

    /** The same state with another pending prune time. */
    public ActorSpread withPruneAt(long time) {
        return new ActorSpread(recentNamespaces, lastSpreadAt, episodeNew, time);
    }
}
