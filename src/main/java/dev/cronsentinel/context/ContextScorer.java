package dev.cronsentinel.context;

import dev.cronsentinel.config.ContextConfig;
import dev.cronsentinel.model.ActorProfile;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.score.RuleSet;
import dev.cronsentinel.score.Scorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an (actor, namespace) profile and one event into context signals, and folds context signals into a
 * scored event. Pure code: no Flink, no state, no clock; {@link ProfileFunction} owns the profile.
 *
 * <p>What is new, and so signalled (each signal carries the event field as path and the new value, with
 * what the profile knows, as evidence):
 * <ul>
 *   <li>{@code first-seen}: a CronJob/Job write by an actor that wrote no CronJob or Job in this namespace
 *       within the lookback. It needs no baseline: no history is the finding.</li>
 *   <li>{@code new-image-repository}, {@code unusual-client}, {@code new-source-network}: a value the profile
 *       has not seen within the lookback, while it has seen others of its kind. A profile without any image
 *       (or client, or network) has no baseline to deviate from: that case is {@code first-seen}'s, and
 *       signalling every attribute of a first write would count the same novelty four times.</li>
 * </ul>
 *
 * <p>Scoring: context signals add to the structural score like any other signal (per signal id the highest
 * weight), so they can lift a request over the alert threshold on their own: a stolen token replayed from
 * {@code python-requests} on a new network with a new image is the attack this exists for. Learning-marked
 * signals weigh 0 and change nothing but the evidence.
 */
public final class ContextScorer {
    private static final int MAX_KNOWN_SHOWN = 5;
    private static final int MAX_NEW_IMAGES = 4;
    private static final int MAX_VALUE = 256;

    private final ContextConfig config;
    private final Scorer scorer;
    private final long lookback;
    private final Set<String> scripted;
    private final Set<String> wholeEventAllowlists;

    public ContextScorer(ContextConfig config, Scorer scorer) {
        this.config = config;
        this.scorer = scorer;
        this.lookback = config.lookback().toMillis();
        this.scripted = Set.copyOf(config.scriptedClients());
        Set<String> whole = new HashSet<>();
        for (RuleSet.AllowlistEntry a : scorer.rules().allowlists()) {
            if (a.images().isEmpty()) {
                whole.add(a.id());
            }
        }
        this.wholeEventAllowlists = Set.copyOf(whole);
    }

    /**
     * True when an allowlist entry without images silenced the event and no structural finding is left: its
     * scope (actor and/or namespace) is declared benign for what it does, so context about it is not news
     * either. A finding the entry does not name (a reverse shell from the allowlisted actor) keeps context.
     */
    public boolean wholeEventAllowlisted(ScoredEvent s) {
        if (s.allowlistedBy() == null || !wholeEventAllowlists.contains(s.allowlistedBy())) {
            return false;
        }
        for (Signal sig : s.signals()) {
            if (sig.weight() > 0 && !ContextSignals.isContext(sig.id())) {
                return false;
            }
        }
        return true;
    }

    /** The context signals of one event against the profile of its key (null: the key has no profile). */
    public List<Signal> profileSignals(WorkloadEvent e, ActorProfiles.Observation o, ActorProfile p) {
        List<Signal> out = new ArrayList<>();
        long t = o.time();
        ContextConfig.Weights w = config.weights();
        Map<String, Long> kinds = p == null ? Map.of() : p.kinds();
        if (isBatch(o.kind()) && !ActorProfiles.known(kinds, "cronjobs", t, lookback) && !ActorProfiles.known(kinds, "jobs", t, lookback)) {
            List<String> known = ActorProfiles.knownEntries(kinds, t, lookback);
            out.add(new Signal(ContextSignals.FIRST_SEEN, ContextSignals.FIRST_SEEN, w.firstSeen(), "objectRef.resource",
                    bound(o.kind() + ": no CronJob or Job write by this actor in this namespace within " + human(config.lookback())
                            + (known.isEmpty() ? "" : " (known kinds: " + list(known) + ")"))));
        }
        if (p == null) {
            return out;
        }
        List<String> knownImages = ActorProfiles.knownEntries(p.imageRepositories(), t, lookback);
        if (!knownImages.isEmpty()) {
            int n = 0;
            for (ActorProfiles.ImageUse i : o.images()) {
                if (!ActorProfiles.known(p.imageRepositories(), i.repository(), t, lookback) && n++ < MAX_NEW_IMAGES) {
                    out.add(new Signal(ContextSignals.NEW_IMAGE_REPOSITORY, ContextSignals.NEW_IMAGE_REPOSITORY, w.newImageRepository(),
                            i.path(), bound(i.image() + " (repository " + i.repository() + " new for this actor here; known: " + list(knownImages) + ")")));
                }
            }
        }
        List<String> knownClients = ActorProfiles.knownEntries(p.clients(), t, lookback);
        if (!knownClients.isEmpty() && !ActorProfiles.known(p.clients(), o.client(), t, lookback)) {
            boolean isScripted = scripted.contains(o.client());
            out.add(new Signal(ContextSignals.UNUSUAL_CLIENT,
                    isScripted ? ContextSignals.RULE_SCRIPTED_CLIENT : ContextSignals.RULE_NEW_CLIENT_FAMILY,
                    isScripted ? w.unusualClientScripted() : w.unusualClient(), "userAgent",
                    bound((e.userAgent() == null ? "(no user agent)" : e.userAgent()) + " (family " + o.client() + "; known: " + list(knownClients) + ")")));
        }
        List<String> knownNetworks = ActorProfiles.knownEntries(p.networks(), t, lookback);
        if (o.network() != null && !knownNetworks.isEmpty() && !ActorProfiles.known(p.networks(), o.network(), t, lookback)) {
            out.add(new Signal(ContextSignals.NEW_SOURCE_NETWORK, ContextSignals.NEW_SOURCE_NETWORK, w.newSourceNetwork(), "sourceIPs[0]",
                    bound(e.sourceIp() + " (network " + o.network() + "; known: " + list(knownNetworks) + ")")));
        }
        return out;
    }

    /** The learning form of context signals: rule suffixed {@code :learning}, weight 0. */
    public static List<Signal> learning(List<Signal> signals) {
        List<Signal> out = new ArrayList<>(signals.size());
        for (Signal s : signals) {
            String rule = s.rule().endsWith(ContextSignals.LEARNING_SUFFIX) ? s.rule() : s.rule() + ContextSignals.LEARNING_SUFFIX;
            out.add(new Signal(s.id(), rule, 0, s.path(), s.value()));
        }
        return out;
    }

    /**
     * The scored event with context signals added and score, severity and alertability recomputed.
     * {@code structural} must hold only the structural scorer's verdict (its signals, score, severity).
     * A spawn is never alertable on its own, and context never lowers what the structure already decided.
     */
    public ScoredEvent withContext(ScoredEvent structural, List<Signal> context) {
        if (context.isEmpty()) {
            return structural;
        }
        List<Signal> all = new ArrayList<>(structural.signals().size() + context.size());
        all.addAll(structural.signals());
        all.addAll(context);
        int score = Scorer.total(all);
        Severity severity = structural.severity();
        boolean alertable = structural.alertable();
        if (score != structural.score()) {
            Severity byScore = scorer.severity(score);
            if (byScore.compareTo(severity) > 0) {
                severity = byScore;
            }
            alertable = alertable || (structural.role() != EventRole.SPAWN && score >= scorer.rules().alertThreshold());
        }
        return new ScoredEvent(structural.event(), structural.role(), List.copyOf(all), score, severity, alertable,
                structural.allowlistedBy(), structural.ruleVersion());
    }

    private static boolean isBatch(String kind) {
        return "cronjobs".equals(kind) || "jobs".equals(kind);
    }

    private static String list(List<String> known) {
        if (known.size() <= MAX_KNOWN_SHOWN) {
            return String.join(", ", known);
        }
        return String.join(", ", known.subList(0, MAX_KNOWN_SHOWN)) + " (+" + (known.size() - MAX_KNOWN_SHOWN) + " more)";
    }

    static String human(Duration d) {
        if (d.toHours() % 24 == 0 && d.toDays() > 0) {
            return d.toDays() + "d";
        }
        if (d.toMinutes() % 60 == 0 && d.toHours() > 0) {
            return d.toHours() + "h";
        }
        return d.toMinutes() + "m";
    }

    private static String bound(String v) {
        return v.length() <= MAX_VALUE ? v : v.substring(0, MAX_VALUE) + "...(" + v.length() + " chars)";
    }
}
