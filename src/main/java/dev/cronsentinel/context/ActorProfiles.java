package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.ImageReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure operations on an {@link ActorProfile}: what an event teaches it, bounded absorption, and pruning by
 * lookback. No Flink, no clock: the keyed functions own the state and the timers and call these.
 *
 * <p>Absorbing is order-independent. Each entry keeps the latest time it was seen (a max), the profile its
 * earliest and latest write (a min and a max), and a full set keeps the most recently seen entries (an
 * incoming entry older than every kept one is dropped, otherwise the least recently seen one is evicted).
 * So the streaming job, which sees events roughly in time order, and the warm-up, which sees an archive in
 * any order, build the same profile from the same events.
 */
public final class ActorProfiles {
    /** Workload kinds are cronjobs, jobs and pods; the bound only guards against events built elsewhere. */
    static final int MAX_KINDS = 8;
    private static final int MAX_IMAGES_PER_EVENT = 32;
    private static final int MAX_KEY_LENGTH = 256;

    private ActorProfiles() {}

    /** One container image an event uses: the normalised repository and where the image was written. */
    public record ImageUse(String repository, String image, String path) {}

    /**
     * What one event says about its actor in its namespace.
     *
     * @param network null when the source IP is missing or not an IP
     */
    public record Observation(long time, String kind, List<ImageUse> images, String client, String network) {}

    public static Observation observationOf(WorkloadEvent e) {
        Map<String, ImageUse> images = new LinkedHashMap<>();
        if (e.templates() != null) {
            for (PodTemplate t : e.templates()) {
                for (ContainerSpec c : t.containers()) {
                    if (c.image() == null || c.image().isBlank() || images.size() >= MAX_IMAGES_PER_EVENT) {
                        continue;
                    }
                    ImageReference ref = ImageReference.parse(c.image());
                    images.putIfAbsent(ref.qualified(), new ImageUse(bound(ref.qualified()), c.image(), c.path() + ".image"));
                }
            }
        }
        return new Observation(e.eventTime(), e.resource(), List.copyOf(images.values()),
                ClientFamily.of(e.userAgent()), SourceNetwork.of(e.sourceIp()));
    }

    /** The profile after absorbing one observation; {@code profile} may be null (a key seen for the first time). */
    public static ActorProfile absorb(ActorProfile profile, Observation o, ContextConfig cfg) {
        ActorProfile p = profile != null ? profile : new ActorProfile(o.time(), o.time(), Map.of(), Map.of(), Map.of(), Map.of(), 0L);
        Map<String, Long> kinds = new HashMap<>(p.kinds());
        Map<String, Long> images = new HashMap<>(p.imageRepositories());
        Map<String, Long> clients = new HashMap<>(p.clients());
        Map<String, Long> networks = new HashMap<>(p.networks());
        if (o.kind() != null) {
            put(kinds, bound(o.kind()), o.time(), MAX_KINDS);
        }
        for (ImageUse i : o.images()) {
            put(images, i.repository(), o.time(), cfg.maxImageRepositories());
        }
        put(clients, bound(o.client()), o.time(), cfg.maxClients());
        if (o.network() != null) {
            put(networks, o.network(), o.time(), cfg.maxNetworks());
        }
        return new ActorProfile(Math.min(p.firstSeen(), o.time()), Math.max(p.lastSeen(), o.time()),
                kinds, images, clients, networks, p.pruneAt());
    }

    /** Adds or refreshes an entry of a bounded set, keeping the {@code max} most recently seen entries. */
    static void put(Map<String, Long> set, String key, long time, int max) {
        Long seen = set.get(key);
        if (seen != null) {
            set.put(key, Math.max(seen, time));
            return;
        }
        if (set.size() >= max) {
            Map.Entry<String, Long> oldest = oldest(set);
            if (!isOlder(time, key, oldest.getValue(), oldest.getKey())) {
                set.remove(oldest.getKey());
            } else {
                return; // older than everything kept: the bound keeps the most recent entries
            }
        }
        set.put(key, time);
    }

    private static Map.Entry<String, Long> oldest(Map<String, Long> set) {
        Map.Entry<String, Long> oldest = null;
        for (Map.Entry<String, Long> e : set.entrySet()) {
            if (oldest == null || isOlder(e.getValue(), e.getKey(), oldest.getValue(), oldest.getKey())) {
                oldest = e;
            }
        }
        return oldest;
    }

    /** Total order on (time, key): ties are broken by key so eviction never depends on arrival order. */
    private static boolean isOlder(long t1, String k1, long t2, String k2) {
        return t1 < t2 || (t1 == t2 && k1.compareTo(k2) < 0);
    }

    /**
     * The profile without the entries whose lookback ended at or before {@code now} (last seen at or before
     * {@code now - lookback}); null when nothing is left.
     */
    public static ActorProfile prune(ActorProfile p, long now, long lookbackMillis) {
        long cutoff = now - lookbackMillis;
        Map<String, Long> kinds = keepAfter(p.kinds(), cutoff);
        Map<String, Long> images = keepAfter(p.imageRepositories(), cutoff);
        Map<String, Long> clients = keepAfter(p.clients(), cutoff);
        Map<String, Long> networks = keepAfter(p.networks(), cutoff);
        ActorProfile out = new ActorProfile(p.firstSeen(), p.lastSeen(), kinds, images, clients, networks, p.pruneAt());
        return out.isEmpty() ? null : out;
    }

    private static Map<String, Long> keepAfter(Map<String, Long> set, long cutoff) {
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<String, Long> e : set.entrySet()) {
            if (e.getValue() > cutoff) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The event time at which the first entry of the profile leaves its lookback. */
    public static long nextExpiry(ActorProfile p, long lookbackMillis) {
        long min = Long.MAX_VALUE;
        for (Map<String, Long> set : List.of(p.kinds(), p.imageRepositories(), p.clients(), p.networks())) {
            for (long t : set.values()) {
                min = Math.min(min, t);
            }
        }
        return min == Long.MAX_VALUE ? Long.MAX_VALUE : min + lookbackMillis;
    }

    /** Whether {@code key} was seen within the lookback before {@code time} (or at any later time). */
    static boolean known(Map<String, Long> set, String key, long time, long lookbackMillis) {
        Long seen = set.get(key);
        return seen != null && seen > time - lookbackMillis;
    }

    /** The entries seen within the lookback before {@code time}, most recent first (ties by name). */
    static List<String> knownEntries(Map<String, Long> set, long time, long lookbackMillis) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        for (Map.Entry<String, Long> e : set.entrySet()) {
            if (e.getValue() > time - lookbackMillis) {
                entries.add(e);
            }
        }
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : Long.compare(b.getValue(), a.getValue()));
        List<String> out = new ArrayList<>(entries.size());
        for (Map.Entry<String, Long> e : entries) {
            out.add(e.getKey());
        }
        return Collections.unmodifiableList(out);
    }

    private static String bound(String s) {
        return s == null || s.length() <= MAX_KEY_LENGTH ? s : s.substring(0, MAX_KEY_LENGTH);
    }
}
