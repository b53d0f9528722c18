package dev.cronsentinel.alert;

import dev.cronsentinel.context.ContextSignals;
import dev.cronsentinel.context.SourceNetwork;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertIds;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.Signal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes two alerts the same finding, for grouping: the same actor, namespace, alert kind and resource,
 * and the same structural evidence (every structural signal's id, rule, path and value, in any order).
 *
 * <p>Left out on purpose: the audit ID, the time, the object name (50 Jobs with generated names and one
 * malicious spec are one finding) and the context signals (novelty is gone by the second repeat, so
 * including it would split every burst after its first request). An {@code unscored} alert has no evidence
 * but its object, so there the name is the evidence.
 *
 * <p>A refused attempt with no spec to judge (a 401/403 create without body, as an outsider probing made-up
 * namespaces sends) is the exception: its namespace and name are whatever the outsider typed, so keying on them
 * would give every probe its own alert and let anyone flood the alert index. Such probes are one finding per
 * actor and source network ({@link SourceNetwork}: the /24 or /64), whatever namespace or name they name; the
 * grouping period then bounds what a flood costs: at most about log2(n) + 2 writes per actor, network and period.
 */
public final class AlertFingerprint {
    private AlertFingerprint() {}

    /** Hex SHA-256 (first 16 bytes) over the finding's identifying parts. */
    public static String of(Alert a) {
        List<String> parts = structuralParts(a);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
        update(sha, a.kind().toString());
        update(sha, a.resource());
        if (parts.isEmpty()) {
            update(sha, isProbe(a, parts) ? "refused-without-body" : a.name());
        }
        for (String p : parts) {
            update(sha, p);
        }
        byte[] d = sha.digest();
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 16; i++) {
            sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
        }
        return sb.toString();
    }

    private static List<String> structuralParts(Alert a) {
        List<String> parts = new ArrayList<>();
        for (Signal s : a.signals()) {
            if (!ContextSignals.isContext(s.id())) {
                parts.add(s.id() + '\u001f' + s.rule() + '\u001f' + s.path() + '\u001f' + s.value());
            }
        }
        parts.sort(String::compareTo);
        return parts;
    }

    /** A refused attempt without structural evidence: grouped per actor and source network, not per namespace. */
    public static boolean isProbe(Alert a) {
        return isProbe(a, structuralParts(a));
    }

    private static boolean isProbe(Alert a, List<String> parts) {
        return a.kind() == AlertKind.ATTEMPT && parts.isEmpty();
    }

    /** Where a finding happened, for its key: the namespace, or for a probe the source network it came from. */
    private static String scope(Alert a) {
        if (!isProbe(a)) {
            return nz(a.namespace());
        }
        String network = SourceNetwork.of(a.sourceIp());
        return "network " + (network != null ? network : nz(a.sourceIp()));
    }

    /**
     * The grouping key: actor, namespace (a probe: source network) and fingerprint, joined by U+001F (which none
     * can contain).
     */
    public static String groupKey(Alert a) {
        return nz(a.username()) + '\u001f' + scope(a) + '\u001f' + of(a);
    }

    /**
     * The id of a group: derived from the group (actor, namespace, fingerprint), the start of its period and
     * the rule version, never from which repeat arrived first, so a replay yields the same id.
     */
    public static String groupId(Alert a, long periodStart) {
        return AlertIds.of(a.kind(), "group", nz(a.username()), scope(a), of(a), Long.toString(periodStart), a.ruleVersion());
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(nz(s).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
