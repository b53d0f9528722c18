package dev.cronsentinel.redact;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.DeadLetter;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.WorkloadEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Applies {@link SecretRedactor} to the three things that leave the job with attacker- or user-written text
 * in them. Each is redacted at exactly one place:
 * <ul>
 *   <li>{@link #evidence}: the signals of a scored event, in {@code ScoringFunction}, the last place that still
 *       has the full pod spec, so values of env vars with secret names that the scorer expanded into a command
 *       line are known and replaced, besides the shapes. Context signals added later carry no spec text.</li>
 *   <li>{@link #alert}: every alert document, once, right before the alert sink (Topology, operator
 *       {@code redact-alerts}): all kinds (workload, attempt, unscored, grouped, escalation, orphan) and every
 *       sink (JSON lines, Kafka, Elasticsearch, and the Elasticsearch dead letters made of alert documents).</li>
 *   <li>{@link #deadLetter}: every decode dead letter, once, right before the dead-letter sink (Topology,
 *       operator {@code redact-dead-letters}): the payload bytes and the detail.</li>
 * </ul>
 */
public final class Redaction {
    private Redaction() {}

    /** The evidence with credential shapes and the values of the event's secret-named env vars redacted. */
    public static List<Signal> evidence(List<Signal> signals, WorkloadEvent event) {
        if (signals == null || signals.isEmpty()) {
            return signals;
        }
        Set<String> known = secretEnvValues(event);
        List<Signal> out = null;
        for (int i = 0; i < signals.size(); i++) {
            Signal s = signals.get(i);
            String value = SecretRedactor.redact(s.value(), known);
            if (!Objects.equals(value, s.value()) && out == null) {
                out = new ArrayList<>(signals.subList(0, i));
            }
            if (out != null) {
                out.add(value == s.value() ? s : new Signal(s.id(), s.rule(), s.weight(), s.path(), value));
            }
        }
        return out == null ? signals : out;
    }

    /** Literal values of env vars whose names {@linkplain SecretRedactor#secretName look secret}. */
    static Set<String> secretEnvValues(WorkloadEvent event) {
        Set<String> out = new LinkedHashSet<>();
        if (event == null || event.templates() == null) {
            return out;
        }
        for (PodTemplate t : event.templates()) {
            for (ContainerSpec c : t.containers()) {
                if (c.env() == null) {
                    continue;
                }
                for (EnvVarSpec v : c.env()) {
                    if (v.value() != null && SecretRedactor.secretName(v.name())) {
                        out.add(v.value());
                    }
                }
            }
        }
        return out;
    }

    /** The alert with every free-text field redacted; the same instance when nothing needed it. */
    public static Alert alert(Alert a) {
        String username = SecretRedactor.redact(a.username());
        String userAgent = SecretRedactor.redact(a.userAgent());
        String namespace = SecretRedactor.redact(a.namespace());
        String name = SecretRedactor.redact(a.name());
        List<String> groups = strings(a.groups());
        List<String> images = strings(a.images());
        List<Signal> signals = evidence(a.signals(), null);
        List<ChainLink> chain = chain(a.chain());
        if (username == a.username() && userAgent == a.userAgent() && namespace == a.namespace() && name == a.name()
                && groups == a.groups() && images == a.images() && signals == a.signals() && chain == a.chain()) {
            return a;
        }
        return new Alert(a.alertId(), a.kind(), a.profile(), a.ruleVersion(), a.eventTime(), a.timestamp(), a.auditId(),
                username, groups, userAgent, a.sourceIp(), namespace, a.resource(), name, a.verb(), a.responseCode(),
                signals, a.score(), a.severity(), a.techniqueId(), a.tactics(), images, a.count(), a.firstSeen(),
                a.lastSeen(), chain, a.timeToFirstSpawnMillis(), a.compat());
    }

    /**
     * The dead letter with its payload and detail redacted. A whole payload stays whole: its length becomes that
     * of the redacted record, so sinks that compare the two ({@code payloadTruncated}) do not call a shortened
     * record truncated. A prefix keeps the original record's length.
     */
    public static DeadLetter deadLetter(DeadLetter d) {
        byte[] payload = SecretRedactor.redact(d.payload());
        String detail = SecretRedactor.redact(d.detail());
        if (payload == d.payload() && detail == d.detail()) {
            return d;
        }
        boolean whole = d.payload() != null && d.payload().length == d.payloadLength();
        return new DeadLetter(d.origin(), d.position(), d.reason(), detail, payload,
                whole ? payload.length : d.payloadLength());
    }

    private static List<String> strings(List<String> in) {
        if (in == null) {
            return null;
        }
        List<String> out = new ArrayList<>(in.size());
        boolean changed = false;
        for (String s : in) {
            String r = SecretRedactor.redact(s);
            changed |= r != s;
            out.add(r);
        }
        return changed ? out : in;
    }

    private static List<ChainLink> chain(List<ChainLink> in) {
        if (in == null || in.isEmpty()) {
            return in;
        }
        List<ChainLink> out = new ArrayList<>(in.size());
        boolean changed = false;
        for (ChainLink l : in) {
            String name = SecretRedactor.redact(l.name());
            changed |= name != l.name();
            out.add(name == l.name() ? l : new ChainLink(l.resource(), name, l.uid(), l.time()));
        }
        return changed ? out : in;
    }
}
