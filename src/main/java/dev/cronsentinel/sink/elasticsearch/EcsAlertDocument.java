package dev.cronsentinel.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.EventSource;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.SeedRow;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps an {@link Alert} to an Elastic Common Schema document, the shape Kibana dashboards and the Security app's
 * alert tables read. Pure: no I/O, no clock, so the same alert always yields the same bytes and a replay
 * overwrites a document with identical content.
 *
 * <p>Field choices:
 * <ul>
 *   <li>{@code @timestamp} is the alert's event time (for an escalation, its latest spawn), never wall-clock time.</li>
 *   <li>{@code event.kind: alert}, {@code event.category: configuration} with {@code event.type} creation/change:
 *       writing a CronJob, Job or Pod changes the cluster's configuration, which is the ECS category for that.</li>
 *   <li>{@code event.risk_score} is the score clamped to 0..100; {@code event.severity} is the number the Elastic
 *       Security app uses for the same label (low 21, medium 47, high 73, critical 99; info 0).</li>
 *   <li>{@code threat.technique.id} is {@code T1053.007}, as the issue asks. ECS (and Elastic's own rules) put a
 *       sub-technique under {@code threat.technique.subtechnique.*} with the parent in {@code threat.technique.id};
 *       the sub-technique fields are filled too, so queries written either way find the alert.</li>
 *   <li>{@code source.ip} is typed {@code ip}, which rejects anything but an IP literal; an audit event can carry
 *       garbage there, so the raw value always goes to {@code source.address} and {@code source.ip} only when it
 *       parses as an address. A bad value therefore never costs the whole alert.</li>
 *   <li>Everything CronSentinel-specific (signals with their evidence, the chain, scores, the seed-query row) lives
 *       under {@code cronsentinel.*} so it can never collide with a future ECS field.</li>
 * </ul>
 */
public final class EcsAlertDocument {
    /** The ECS version the document and the index template follow. */
    public static final String ECS_VERSION = "8.11.0";
    static final String MITRE_FRAMEWORK = "MITRE ATT&CK";
    static final String TECHNIQUE_REFERENCE = "https://attack.mitre.org/techniques/T1053/007/";
    static final String DEPLOY_CONTAINER_REFERENCE = "https://attack.mitre.org/techniques/T1610/";
    /** Links kept at each end of a chain when an oversized alert is shortened. */
    static final int CHAIN_KEEP_EACH_END = 25;
    /** Length evidence values are cut to when an oversized alert is shortened. */
    static final int SHORTENED_VALUE_CHARS = 256;
    static final int SHORTENED_LIST_ITEMS = 50;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EcsAlertDocument() {}

    /** The full document as UTF-8 JSON. */
    public static byte[] toJson(Alert alert) {
        return write(toTree(alert, false));
    }

    /**
     * The document, shortened when the full one exceeds {@code maxBytes}: the chain keeps its first and last
     * {@value #CHAIN_KEEP_EACH_END} links, evidence values and lists are cut, and {@code cronsentinel.truncated} is
     * set. Returns null when even the shortened document does not fit.
     */
    public static byte[] toJsonWithin(Alert alert, long maxBytes) {
        byte[] full = toJson(alert);
        if (full.length <= maxBytes) {
            return full;
        }
        byte[] shortened = write(toTree(alert, true));
        return shortened.length <= maxBytes ? shortened : null;
    }

    /**
     * The external version the document is written with ({@code version_type=external_gte}). An alert grows
     * only by folding in more findings (grouped repeats, more spawns of a chain), so its {@code count} never
     * goes down between two emissions of the same id: an older emission replayed after a newer one is refused by
     * Elasticsearch instead of overwriting it, and a replay of the same emission overwrites it with equal content.
     */
    public static long version(Alert alert) {
        return Math.max(1L, alert.count());
    }

    static ObjectNode toTree(Alert a, boolean shorten) {
        ObjectNode doc = NODES.objectNode();
        doc.put("@timestamp", Instant.ofEpochMilli(a.eventTime()).toString());
        doc.put("message", message(a));
        boolean deployContainer = Alert.DEPLOY_CONTAINER_ID.equals(a.techniqueId());
        doc.putArray("tags").add("cronsentinel").add(deployContainer ? Alert.DEPLOY_CONTAINER_ID : Alert.TECHNIQUE_ID);
        doc.putObject("ecs").put("version", ECS_VERSION);

        ObjectNode event = doc.putObject("event");
        event.put("kind", "alert");
        event.putArray("category").add("configuration");
        event.putArray("type").add(eventType(a.verb()));
        putIfNotNull(event, "action", a.verb());
        if (a.responseCode() > 0) {
            event.put("outcome", a.responseCode() >= 400 ? "failure" : "success");
        }
        event.put("id", a.alertId());
        event.put("dataset", "cronsentinel.alert");
        event.put("severity", severityNumber(a.severity()));
        event.put("risk_score", (double) Math.max(0, Math.min(100, a.score())));
        if (a.firstSeen() > 0) {
            event.put("start", Instant.ofEpochMilli(a.firstSeen()).toString());
        }
        if (a.lastSeen() > 0) {
            event.put("end", Instant.ofEpochMilli(a.lastSeen()).toString());
        }

        ObjectNode rule = doc.putObject("rule");
        rule.put("id", "cronsentinel-" + a.kind());
        rule.put("name", ruleName(a.kind(), a.profile()));
        rule.put("ruleset", "cronsentinel");
        rule.put("category", deployContainer ? Alert.DEPLOY_CONTAINER_NAME : Alert.TECHNIQUE_NAME);
        putIfNotNull(rule, "version", a.ruleVersion());
        rule.put("reference", TECHNIQUE_REFERENCE);
        rule.put("description", ruleDescription(a.kind()));

        ObjectNode threat = doc.putObject("threat");
        threat.put("framework", MITRE_FRAMEWORK);
        ObjectNode technique = threat.putObject("technique");
        if (deployContainer) {
            // T1610 has no sub-technique: only the technique fields.
            technique.put("id", Alert.DEPLOY_CONTAINER_ID);
            technique.put("name", Alert.DEPLOY_CONTAINER_NAME);
            technique.put("reference", DEPLOY_CONTAINER_REFERENCE);
        } else {
            technique.put("id", Alert.TECHNIQUE_ID);
            technique.put("name", Alert.TECHNIQUE_NAME);
            technique.put("reference", TECHNIQUE_REFERENCE);
            ObjectNode sub = technique.putObject("subtechnique");
            sub.put("id", Alert.TECHNIQUE_ID);
            sub.put("name", Alert.TECHNIQUE_NAME);
            sub.put("reference", TECHNIQUE_REFERENCE);
        }
        ObjectNode tactic = threat.putObject("tactic");
        ArrayNode tacticIds = tactic.putArray("id");
        ArrayNode tacticNames = tactic.putArray("name");
        ArrayNode tacticRefs = tactic.putArray("reference");
        for (int i = 0; i < Alert.TACTIC_IDS.size(); i++) {
            tacticIds.add(Alert.TACTIC_IDS.get(i));
            tacticNames.add(Alert.TACTICS.get(i));
            tacticRefs.add("https://attack.mitre.org/tactics/" + Alert.TACTIC_IDS.get(i) + "/");
        }

        if (a.username() != null || notEmpty(a.groups())) {
            ObjectNode user = doc.putObject("user");
            putIfNotNull(user, "name", a.username());
            if (notEmpty(a.groups())) {
                putStrings(user.putObject("group"), "name", a.groups(), shorten);
            }
        }
        if (a.userAgent() != null) {
            doc.putObject("user_agent").put("original", a.userAgent());
        }
        if (a.sourceIp() != null && !a.sourceIp().isBlank()) {
            ObjectNode source = doc.putObject("source");
            source.put("address", a.sourceIp());
            if (isIpLiteral(a.sourceIp())) {
                source.put("ip", a.sourceIp());
            }
        }

        ObjectNode orchestrator = doc.putObject("orchestrator");
        orchestrator.put("type", "kubernetes");
        putIfNotNull(orchestrator, "namespace", a.namespace());
        if (a.source() != null) {
            putSource(doc, orchestrator, a.source());
        }
        if (a.resource() != null || a.name() != null) {
            ObjectNode resource = orchestrator.putObject("resource");
            putIfNotNull(resource, "type", a.resource());
            putIfNotNull(resource, "name", a.name());
        }
        if (notEmpty(a.images())) {
            putStrings(doc.putObject("container").putObject("image"), "name", a.images(), shorten);
        }

        doc.set("cronsentinel", cronsentinel(a, shorten));
        return doc;
    }

    private static ObjectNode cronsentinel(Alert a, boolean shorten) {
        ObjectNode cs = NODES.objectNode();
        cs.put("alert_id", a.alertId());
        cs.put("kind", String.valueOf(a.kind()));
        putIfNotNull(cs, "profile", a.profile());
        putIfNotNull(cs, "rule_version", a.ruleVersion());
        putIfNotNull(cs, "audit_id", a.auditId());
        putIfNotNull(cs, "verb", a.verb());
        cs.put("response_code", a.responseCode());
        cs.put("score", a.score());
        if (a.severity() != null) {
            cs.put("severity", a.severity().toString());
        }
        cs.put("count", a.count());
        if (a.firstSeen() > 0) {
            cs.put("first_seen", Instant.ofEpochMilli(a.firstSeen()).toString());
        }
        if (a.lastSeen() > 0) {
            cs.put("last_seen", Instant.ofEpochMilli(a.lastSeen()).toString());
        }
        if (a.timeToFirstSpawnMillis() != null) {
            cs.put("time_to_first_spawn_ms", a.timeToFirstSpawnMillis());
        }
        ArrayNode signals = cs.putArray("signals");
        for (Signal s : a.signals() == null ? List.<Signal>of() : a.signals()) {
            if (s == null) {
                continue;
            }
            ObjectNode n = signals.addObject();
            putIfNotNull(n, "id", s.id());
            putIfNotNull(n, "rule", s.rule());
            n.put("weight", s.weight());
            putIfNotNull(n, "path", s.path());
            putIfNotNull(n, "value", shorten ? cut(s.value(), SHORTENED_VALUE_CHARS) : s.value());
        }
        List<ChainLink> chain = a.chain() == null ? List.of() : a.chain();
        List<ChainLink> kept = chain;
        if (shorten && chain.size() > 2 * CHAIN_KEEP_EACH_END) {
            kept = new ArrayList<>(chain.subList(0, CHAIN_KEEP_EACH_END));
            kept.addAll(chain.subList(chain.size() - CHAIN_KEEP_EACH_END, chain.size()));
            cs.put("chain_omitted", chain.size() - kept.size());
        }
        ArrayNode links = cs.putArray("chain");
        for (ChainLink l : kept) {
            if (l == null) {
                continue;
            }
            ObjectNode n = links.addObject();
            putIfNotNull(n, "resource", l.resource());
            putIfNotNull(n, "name", l.name());
            putIfNotNull(n, "uid", l.uid());
            putIfNotNull(n, "verb", l.verb());
            putIfNotNull(n, "username", l.username());
            putIfNotNull(n, "audit_id", l.auditId());
            if (l.time() > 0) {
                n.put("time", Instant.ofEpochMilli(l.time()).toString());
            }
        }
        if (a.compat() != null) {
            cs.set("compat", compat(a.compat()));
        }
        if (shorten) {
            cs.put("truncated", true);
        }
        return cs;
    }

    private static ObjectNode compat(SeedRow r) {
        ObjectNode n = NODES.objectNode();
        putIfNotNull(n, "audit_id", r.auditID());
        putIfNotNull(n, "stage", r.stage());
        putIfNotNull(n, "time", r.time());
        putIfNotNull(n, "resource", r.resource());
        putIfNotNull(n, "verb", r.verb());
        putIfNotNull(n, "namespace", r.namespace());
        putIfNotNull(n, "resource_name", r.resourceName());
        putIfNotNull(n, "user", r.user());
        putIfNotNull(n, "user_agent", r.userAgent());
        putIfNotNull(n, "source_ip", r.sourceIp());
        if (r.flags() != null) {
            ObjectNode flags = n.putObject("flags");
            for (Map.Entry<String, Integer> e : r.flags().entrySet()) {
                flags.put(e.getKey(), e.getValue());
            }
        }
        n.put("suspicion_score", r.suspicionScore());
        return n;
    }

    static String eventType(String verb) {
        if (verb == null) {
            return "info";
        }
        switch (verb) {
            case "create":
                return "creation";
            case "update":
            case "patch":
                return "change";
            default:
                return "info";
        }
    }

    /** The numbers Elastic Security's rules use for its severity labels, so both sort and colour alike. */
    static int severityNumber(Severity s) {
        if (s == null) {
            return 0;
        }
        switch (s) {
            case LOW:
                return 21;
            case MEDIUM:
                return 47;
            case HIGH:
                return 73;
            case CRITICAL:
                return 99;
            default:
                return 0;
        }
    }

    static String ruleName(AlertKind kind, String profile) {
        if (kind == null) {
            return "CronSentinel alert";
        }
        switch (kind) {
            case WORKLOAD:
                return "CronSentinel: suspicious CronJob, Job or Pod written";
            case ATTEMPT:
                return "CronSentinel: suspicious CronJob, Job or Pod request refused";
            case UNSCORED:
                return "CronSentinel: CronJob or Job written with its spec hidden by the audit policy";
            case UNDECODABLE:
                return "CronSentinel: CronJob, Job or Pod written in a form the detector could not decode";
            case ESCALATION:
                return "CronSentinel: suspicious CronJob or Job spawned Jobs and Pods";
            case ORPHAN:
                return "CronSentinel: suspicious spawned Job or Pod whose root was not seen";
            case SEQUENCE:
                return "CronSentinel: sensitive RBAC grant followed by a CronJob, Job or Pod write";
            case COMPAT:
                return "CronSentinel: seed query match (" + (profile == null ? "compat" : profile) + ")";
            default:
                return "CronSentinel alert";
        }
    }

    static String ruleDescription(AlertKind kind) {
        if (kind == AlertKind.ESCALATION) {
            return "A suspicious scheduled workload actually ran: its controller created Jobs or Pods from it.";
        }
        return "Kubernetes CronJobs, Jobs and Pods whose pod template shows signs of abuse for execution, "
                + "persistence or privilege escalation (MITRE ATT&CK T1053.007).";
    }

    static String message(Alert a) {
        StringBuilder sb = new StringBuilder();
        sb.append(ruleName(a.kind(), a.profile())).append(": ");
        sb.append(a.resource() == null ? "object" : a.resource()).append(' ');
        if (a.namespace() != null) {
            sb.append(a.namespace()).append('/');
        }
        sb.append(a.name() == null ? "?" : a.name());
        if (a.username() != null) {
            sb.append(" by ").append(a.username());
        }
        if (a.kind() == AlertKind.ESCALATION && a.count() > 0) {
            sb.append(", ").append(a.count()).append(a.count() == 1 ? " spawn" : " spawns");
        }
        sb.append(" (score ").append(a.score());
        if (a.severity() != null) {
            sb.append(", ").append(a.severity());
        }
        sb.append(')');
        if (a.signals() != null && !a.signals().isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (Signal s : a.signals()) {
                if (s != null && !ids.contains(s.id())) {
                    ids.add(s.id());
                }
            }
            sb.append(": ").append(String.join(", ", ids));
        }
        return sb.toString();
    }

    /**
     * True for the literals Elasticsearch's {@code ip} field accepts: dotted-quad IPv4 without leading zeros, and
     * IPv6 (optionally ending in an IPv4 quad) with at most one {@code ::}. Zone ids and host names are refused.
     * Hand-written rather than {@code InetAddress.getByName}, which would resolve host names over DNS and accepts
     * legacy forms such as {@code 10.1} that Elasticsearch rejects.
     */
    static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return false;
        }
        return s.indexOf(':') >= 0 ? isIpv6(s) : isIpv4(s);
    }

    private static boolean isIpv4(String s) {
        List<String> parts = splitOn(s, '.');
        if (parts.size() != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String s) {
        int groups = 0;
        String hex = s;
        if (s.indexOf('.') >= 0) {
            // An embedded IPv4 quad stands for the last two groups.
            int lastColon = s.lastIndexOf(':');
            if (!isIpv4(s.substring(lastColon + 1))) {
                return false;
            }
            groups = 2;
            hex = s.substring(0, lastColon + 1);
            if (!hex.endsWith("::")) {
                hex = hex.substring(0, hex.length() - 1);
            }
        }
        int elision = hex.indexOf("::");
        if (elision >= 0 && hex.indexOf("::", elision + 1) >= 0) {
            return false;
        }
        String[] halves = elision >= 0
                ? new String[] {hex.substring(0, elision), hex.substring(elision + 2)}
                : new String[] {hex};
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String g : splitOn(half, ':')) {
                if (g.isEmpty() || g.length() > 4) {
                    return false;
                }
                for (int i = 0; i < g.length(); i++) {
                    if (Character.digit(g.charAt(i), 16) < 0) {
                        return false;
                    }
                }
                groups++;
            }
        }
        return elision >= 0 ? groups <= 7 : groups == 8;
    }

    /** Splits on a single character, keeping empty parts (no regular expression involved). */
    private static List<String> splitOn(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static void putStrings(ObjectNode parent, String field, List<String> values, boolean shorten) {
        ArrayNode arr = parent.putArray(field);
        int limit = shorten ? Math.min(values.size(), SHORTENED_LIST_ITEMS) : values.size();
        for (int i = 0; i < limit; i++) {
            if (values.get(i) != null) {
                arr.add(shorten ? cut(values.get(i), SHORTENED_VALUE_CHARS) : values.get(i));
            }
        }
    }

    private static void putIfNotNull(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static byte[] write(ObjectNode doc) {
        try {
            return MAPPER.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a managed cluster's event came from, in ECS: {@code orchestrator.cluster.name} and {@code .id} (the
     * AKS resource ID or the EKS log group), {@code cloud.provider}, {@code cloud.region} (the GKE location),
     * {@code cloud.project.id} (GCP), {@code cloud.account.id} (the AWS account, the Azure subscription).
     */
    private static void putSource(ObjectNode doc, ObjectNode orchestrator, EventSource s) {
        if (s.clusterName() != null || s.resourceId() != null) {
            ObjectNode cluster = orchestrator.putObject("cluster");
            putIfNotNull(cluster, "name", s.clusterName());
            putIfNotNull(cluster, "id", s.resourceId());
        }
        ObjectNode cloud = doc.putObject("cloud");
        putIfNotNull(cloud, "provider", s.provider());
        putIfNotNull(cloud, "region", s.region());
        if (s.projectId() != null) {
            cloud.putObject("project").put("id", s.projectId());
        }
        if (s.accountId() != null) {
            cloud.putObject("account").put("id", s.accountId());
        }
    }
}
