package dev.cronsentinel.model;

import java.util.Map;

/**
 * What one actor normally does in one namespace: the keyed state behind the context signals. Every set maps
 * an entry to the latest event time it was seen, so each entry has its own exit (pruned one lookback after
 * it was last seen), and every set is bounded (the least recently seen entry is evicted first).
 *
 * @param firstSeen event time of the earliest write this profile has absorbed
 * @param lastSeen event time of the latest write this profile has absorbed
 * @param kinds workload resources it created or changed ({@code cronjobs}, {@code jobs}, {@code pods})
 * @param imageRepositories container image repositories it used, as {@code registry/repository}
 * @param clients user-agent families it called from ({@code kubectl}, {@code argocd-application-controller})
 * @param networks source networks it came from ({@code 10.42.3.0/24}, {@code 2001:db8:1:2::/64})
 * @param pruneAt event time of the pending prune timer of this key, 0 when none is pending
 */
public record ActorProfile(
        long firstSeen,
        long lastSeen,
        Map<String, Long> kinds,
        Map<String, Long> imageRepositories,
        Map<String, Long> clients,
        Map<String, Long> networks,
        long pruneAt) {

    public ActorProfile {
        kinds = kinds == null ? Map.of() : Map.copyOf(kinds);
        imageRepositories = imageRepositories == null ? Map.of() : Map.copyOf(imageRepositories);
        clients = clients == null ? Map.of() : Map.copyOf(clients);
        networks = networks == null ? Map.of() : Map.copyOf(networks);
    }

    /** The same profile with another pending prune time. */
    public ActorProfile withPruneAt(long time) {
        return new ActorProfile(firstSeen, lastSeen, kinds, imageRepositories, clients, networks, time);
    }

    /** True when every set is empty: the key has nothing left to remember and its state can be cleared. */
    public boolean isEmpty() {
        return kinds.isEmpty() && imageRepositories.isEmpty() && clients.isEmpty() && networks.isEmpty();
    }
}
