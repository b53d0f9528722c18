package dev.cronsentinel.score;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvFromSpec;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.EventRole;
import dev.cronsentinel.model.ExecSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.ScoredEvent;
import dev.cronsentinel.model.Severity;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.model.VolumeSpec;
import dev.cronsentinel.model.WorkloadEvent;
import dev.cronsentinel.prefilter.PrefilteredPattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a workload event on the structure of its pod templates. Pure code: no Flink, no state, no clock.
 *
 * <p>Each signal reads one field of the parsed spec and carries that field's path and value as evidence.
 * The score adds, per signal id, the highest weight among the rules of that signal that fired, so ten
 * suspicious commands do not outweigh one privileged container.
 *
 * <p>Normalisation against evasion (see {@code docs/DETECTION.md}): images are compared by repository after
 * lower-casing and stripping registry, {@code library/}, tag and digest; commands ({@code command} and
 * {@code args} joined by spaces, and every lifecycle hook's and probe's {@code exec.command}) are matched as
 * written, again after expanding {@code $(VAR)}, {@code $VAR} and {@code ${VAR}} from the container's env
 * (references the audit log cannot resolve become visible markers), and again on every base64 token that
 * decodes to text;
 * host paths are compared after lexical normalisation ({@code ..}, {@code .}, duplicate and trailing slashes).
 */
public final class Scorer {
    private static final int MAX_VALUE = 256;
    /** Most signals an event's evidence lists; the score always counts every signal. */
    static final int MAX_EVIDENCE = 64;
    /** Characters env expansion may add to a command line before repeated references stop expanding. */
    static final int MAX_ENV_EXPANSION = 64 * 1024;
    /** Shortest run of base64 characters worth decoding. */
    static final int MIN_BASE64_TOKEN = 16;
    private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)|\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final RuleSet rules;
    private final List<Compiled> imageRules = new ArrayList<>();
    private final List<Compiled> commandRules = new ArrayList<>();
    private final List<Allow> allowlists = new ArrayList<>();
    private final Set<String> capabilities = new LinkedHashSet<>();
    private final Families families;

    /** A rule's pattern with the literals one of which any match must contain (checked first: far cheaper). */
    private record Compiled(RuleSet.PatternRule rule, PrefilteredPattern pattern) {
        static Compiled of(RuleSet.PatternRule rule) {
            return new Compiled(rule, PrefilteredPattern.compile(rule.pattern()));
        }

        boolean find(String text) {
            return pattern.find(text);
        }
    }

    /** An allowlist entry, compiled: its scope patterns, its images parsed, what it silences. */
    private record Allow(RuleSet.AllowlistEntry entry, PrefilteredPattern namespace, PrefilteredPattern actor,
            List<ImageReference> images, Set<String> silences) {
        boolean silences(Signal s) {
            return silences.contains(s.id()) || silences.contains(s.id() + ":" + s.rule());
        }

        boolean admits(ImageReference image) {
            for (ImageReference i : images) {
                if (i.admits(image)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A signal with the container image it came from (null for pod-level signals). */
    private record Found(Signal signal, ImageReference image, int template) {}

    /**
     * A scored event and what allowlists silenced in it.
     *
     * @param silencedByEntry per allowlist entry id, how many signals (or the {@code unscored} verdict) it
     *     silenced in this event; empty when none
     */
    public record Verdict(ScoredEvent scored, Map<String, Integer> silencedByEntry) {}

    public Scorer(RuleSet rules) {
        this.rules = rules;
        for (RuleSet.PatternRule r : rules.imageRules()) {
            imageRules.add(Compiled.of(r));
        }
        for (RuleSet.PatternRule r : rules.commandRules()) {
            commandRules.add(Compiled.of(r));
        }
        for (RuleSet.AllowlistEntry a : rules.allowlists()) {
            List<ImageReference> images = new ArrayList<>();
            for (String i : a.images()) {
                images.add(ImageReference.parse(i));
            }
            allowlists.add(new Allow(a, compileOrNull(a.namespace()), compileOrNull(a.actor()), List.copyOf(images), Set.copyOf(a.silences())));
        }
        for (String c : rules.dangerousCapabilities()) {
            capabilities.add(RuleSetLoader.normalizeCapability(c));
        }
        families = new Families(rules.families() == null ? FamilyRules.NONE : rules.families());
    }

    public RuleSet rules() {
        return rules;
    }

    public ScoredEvent score(WorkloadEvent e, EventRole role) {
        return evaluate(e, role).scored();
    }

    /** {@link #score} with the count of what allowlists silenced, for the metric that keeps it visible. */
    public Verdict evaluate(WorkloadEvent e, EventRole role) {
        List<Found> found = new ArrayList<>();
        List<PodTemplate> templates = e.templates() == null ? List.of() : e.templates();
        for (int t = 0; t < templates.size(); t++) {
            evaluate(templates.get(t), t, found);
        }
        addFamilies(e, templates, found);
        if (MutablePodFields.applies(e)) {
            found.removeIf(f -> !MutablePodFields.isMutable(f.signal().path()));
        }
        List<Allow> inScope = new ArrayList<>();
        for (Allow a : allowlists) {
            if (scopeMatches(a, e)) {
                inScope.add(a);
            }
        }
        String allowlistedBy = null;
        Map<String, Integer> silenced = new LinkedHashMap<>();
        List<Signal> kept = new ArrayList<>();
        for (Found f : found) {
            String by = silencedBy(f, templates, inScope);
            if (by == null) {
                kept.add(f.signal());
            } else {
                silenced.merge(by, 1, Integer::sum);
                if (allowlistedBy == null) {
                    allowlistedBy = by;
                }
            }
        }
        int score = total(kept);
        kept = evidence(kept);
        Severity severity = severity(score);
        // The verdict on a batch write without a body: only an entry that names "unscored" silences it.
        boolean unscored = isBatch(e) && (e.bodiless() || (role == EventRole.ATTEMPT && templates.isEmpty()));
        String unscoredBy = null;
        if (unscored) {
            for (Allow a : inScope) {
                if (a.images().isEmpty() && a.silences().contains(Signals.UNSCORED)) {
                    unscoredBy = a.entry().id();
                    silenced.merge(unscoredBy, 1, Integer::sum);
                    allowlistedBy = allowlistedBy == null ? unscoredBy : allowlistedBy;
                    break;
                }
            }
        }
        boolean alertable;
        switch (role) {
            case SPAWN:
                alertable = false;
                break;
            case ATTEMPT:
                alertable = score >= rules.alertThreshold() || (unscored && unscoredBy == null);
                if (alertable && score < rules.alertThreshold()) {
                    severity = Severity.LOW;
                }
                break;
            case WORKLOAD:
            default:
                if (e.bodiless()) {
                    alertable = isBatch(e) && unscoredBy == null;
                    severity = Severity.LOW;
                } else {
                    alertable = score >= rules.alertThreshold();
                    if (!alertable && families.reportsAtLow(e, kept)) {
                        alertable = true;
                        severity = Severity.LOW;
                    }
                }
        }
        ScoredEvent scored = new ScoredEvent(e, role, List.copyOf(kept), score, severity, alertable, allowlistedBy, rules.version());
        return new Verdict(scored, silenced.isEmpty() ? Map.of() : Map.copyOf(silenced));
    }

    /**
     * The signals an alert lists as evidence: all of them when there are at most {@link #MAX_EVIDENCE}, else the
     * highest-weighted signal of every signal id, then the next highest weights, in their original order, and
     * one {@link Signals#EVIDENCE_TRUNCATED} signal (weight 0) that counts the rest.
     *
     * <p>Why per id first: the score is {@link #total} of the signals, and later stages (per-actor context)
     * recompute it from the list they carry, so the list must keep every id's best weight. Why not the first
     * N: an attacker who puts 64 harmless findings before the payload would push the payload out.
     */
    static List<Signal> evidence(List<Signal> all) {
        if (all.size() <= MAX_EVIDENCE) {
            return all;
        }
        List<Integer> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        // Stable: equal weights keep their order, so the choice is deterministic.
        order.sort((a, b) -> Integer.compare(all.get(b).weight(), all.get(a).weight()));
        boolean[] chosen = new boolean[all.size()];
        Set<String> ids = new HashSet<>();
        int count = 0;
        for (int i : order) {
            if (ids.add(all.get(i).id())) {
                chosen[i] = true;
                count++;
            }
        }
        for (int i : order) {
            if (count >= MAX_EVIDENCE - 1) {
                break;
            }
            if (!chosen[i]) {
                chosen[i] = true;
                count++;
            }
        }
        List<Signal> out = new ArrayList<>(count + 1);
        for (int i = 0; i < all.size(); i++) {
            if (chosen[i]) {
                out.add(all.get(i));
            }
        }
        int omitted = all.size() - count;
        out.add(new Signal(Signals.EVIDENCE_TRUNCATED, Signals.EVIDENCE_TRUNCATED, 0, "(evidence)",
                omitted + " more signal" + (omitted == 1 ? "" : "s") + " not listed (lower weights; all counted in the score)"));
        return out;
    }

    /** The signals of the detection families ({@link Families}), as container or pod-level findings. */
    private void addFamilies(WorkloadEvent e, List<PodTemplate> templates, List<Found> found) {
        for (Families.Placed p : families.evaluate(e, templates)) {
            String image = p.signal().image();
            if (image == null) {
                found.add(new Found(p.signal().signal(), null, p.template()));
            } else {
                container(found, p.template(), ImageReference.parse(image), p.signal().signal());
            }
        }
    }

    private static boolean isBatch(WorkloadEvent e) {
        return "cronjobs".equals(e.resource()) || "jobs".equals(e.resource());
    }

    /** The score of a set of signals: per signal id, the highest weight among its fired rules. */
    public static int total(List<Signal> signals) {
        Map<String, Integer> best = new HashMap<>();
        for (Signal s : signals) {
            best.merge(s.id(), s.weight(), Math::max);
        }
        int sum = 0;
        for (int w : best.values()) {
            sum += w;
        }
        return sum;
    }

    public Severity severity(int score) {
        Map<String, Integer> t = rules.severityThresholds();
        if (score >= t.get("critical")) {
            return Severity.CRITICAL;
        }
        if (score >= t.get("high")) {
            return Severity.HIGH;
        }
        if (score >= t.get("medium")) {
            return Severity.MEDIUM;
        }
        if (score >= t.get("low")) {
            return Severity.LOW;
        }
        return Severity.INFO;
    }

    private void evaluate(PodTemplate t, int index, List<Found> out) {
        String base = t.path();
        Map<String, Integer> w = rules.weights();
        if (Boolean.TRUE.equals(t.hostNetwork())) {
            pod(out, index, Signals.HOST_NETWORK, w, base + ".hostNetwork", "true");
        }
        if (Boolean.TRUE.equals(t.hostPID())) {
            pod(out, index, Signals.HOST_PID, w, base + ".hostPID", "true");
        }
        if (Boolean.TRUE.equals(t.hostIPC())) {
            pod(out, index, Signals.HOST_IPC, w, base + ".hostIPC", "true");
        }
        if (Long.valueOf(0).equals(t.runAsUser())) {
            pod(out, index, Signals.RUN_AS_ROOT, w, base + ".securityContext.runAsUser", "0");
        }
        for (VolumeSpec v : t.volumes()) {
            if (v.hostPath() == null) {
                continue;
            }
            String path = v.path() + ".hostPath.path";
            pod(out, index, Signals.HOSTPATH_VOLUME, w, path, v.hostPath());
            String norm = HostPaths.normalize(v.hostPath());
            if (norm == null || norm.isEmpty()) {
                continue;
            }
            for (RuleSet.SensitivePath sp : rules.sensitivePaths()) {
                boolean hit = sp.exact() ? norm.equals(sp.path()) : HostPaths.isAtOrUnder(norm, sp.path());
                if (hit) {
                    String value = norm.equals(v.hostPath()) ? v.hostPath() : v.hostPath() + " (normalised: " + norm + ")";
                    pod(out, index, Signals.SENSITIVE_MOUNT, w, path, value);
                    break;
                }
            }
        }
        for (ContainerSpec c : t.containers()) {
            ImageReference img = ImageReference.parse(c.image());
            String repo = img.repository();
            if (c.image() != null) {
                for (Compiled r : imageRules) {
                    if (r.find(repo)) {
                        container(out, index, img, new Signal(Signals.SUSPICIOUS_IMAGE, r.rule().rule(), r.rule().weight(), c.path() + ".image", bound(c.image())));
                    }
                }
            }
            if (Boolean.TRUE.equals(c.privileged())) {
                containerFlat(out, index, img, Signals.PRIVILEGED, c.path() + ".securityContext.privileged", "true");
            }
            if (Boolean.TRUE.equals(c.allowPrivilegeEscalation())) {
                containerFlat(out, index, img, Signals.PRIVILEGE_ESCALATION, c.path() + ".securityContext.allowPrivilegeEscalation", "true");
            }
            if (Long.valueOf(0).equals(c.runAsUser())) {
                containerFlat(out, index, img, Signals.RUN_AS_ROOT, c.path() + ".securityContext.runAsUser", "0");
            }
            List<String> caps = c.capabilitiesAdd() == null ? List.of() : c.capabilitiesAdd();
            for (int i = 0; i < caps.size(); i++) {
                String cap = RuleSetLoader.normalizeCapability(caps.get(i));
                if (capabilities.contains(cap)) {
                    containerFlat(out, index, img, Signals.ADDED_CAPABILITY, c.path() + ".securityContext.capabilities.add[" + i + "]", caps.get(i));
                }
            }
            commands(out, index, img, c);
        }
    }

    /**
     * Matches every command the container runs: its entrypoint ({@code command} and {@code args} joined) and
     * each lifecycle hook's and probe's {@code exec.command}. A rule fires once per container, on the first
     * command line and form it matches.
     */
    private void commands(List<Found> out, int index, ImageReference img, ContainerSpec c) {
        if (commandRules.isEmpty()) {
            return;
        }
        Set<String> seenRules = new LinkedHashSet<>();
        List<String> parts = new ArrayList<>();
        if (c.command() != null) {
            parts.addAll(c.command());
        }
        if (c.args() != null) {
            parts.addAll(c.args());
        }
        if (!parts.isEmpty()) {
            commandLine(out, index, img, c, String.join(" ", parts), c.path() + ".command+args", seenRules);
        }
        if (c.execs() != null) {
            for (ExecSpec x : c.execs()) {
                if (x.command() != null && !x.command().isEmpty()) {
                    commandLine(out, index, img, c, String.join(" ", x.command()), x.path(), seenRules);
                }
            }
        }
    }

    /**
     * Matches one command line in every form the shell may run it as: as written, with env expanded, each
     * also after shell quote removal ({@code b""ash} is {@code bash}), and every base64 token of those forms
     * that decodes to text (itself also after quote removal). Each distinct form is matched once.
     */
    private void commandLine(List<Found> out, int index, ImageReference img, ContainerSpec c, String joined, String path,
            Set<String> seenRules) {
        String expanded = expandEnv(joined, c.env(), c.envFrom());
        Map<String, String> forms = new LinkedHashMap<>();
        forms.putIfAbsent(joined, path);
        forms.putIfAbsent(ShellText.unquote(joined), path + " (quotes removed)");
        forms.putIfAbsent(expanded, path + " (env-expanded)");
        forms.putIfAbsent(ShellText.unquote(expanded), path + " (env-expanded, quotes removed)");
        for (Map.Entry<String, String> f : forms.entrySet()) {
            matchCommand(out, index, img, f.getKey(), f.getValue(), seenRules);
        }
        Set<String> decodedSeen = new HashSet<>();
        for (String text : forms.keySet()) {
            // Every token is decoded, not the first few: a cap would let harmless decoys hide the payload
            // behind them. The work stays linear: the decoded tokens are shorter than the form they are in,
            // and there are at most four forms.
            for (String token : base64Tokens(text)) {
                String decoded = decodeBase64Text(token);
                if (decoded != null && decodedSeen.add(decoded)) {
                    matchCommand(out, index, img, decoded, path + " (base64-decoded)", seenRules);
                    String unquoted = ShellText.unquote(decoded);
                    if (!unquoted.equals(decoded)) {
                        matchCommand(out, index, img, unquoted, path + " (base64-decoded, quotes removed)", seenRules);
                    }
                }
            }
        }
    }

    private void matchCommand(List<Found> out, int index, ImageReference img, String text, String path, Set<String> seenRules) {
        for (Compiled r : commandRules) {
            if (seenRules.contains(r.rule().rule())) {
                continue;
            }
            if (r.find(text)) {
                seenRules.add(r.rule().rule());
                container(out, index, img, new Signal(Signals.SHELL_COMMAND, r.rule().rule(), r.rule().weight(), path, bound(text)));
            }
        }
    }

    /** {@link #expandEnv(String, List, List)} without {@code envFrom}. */
    static String expandEnv(String text, List<EnvVarSpec> env) {
        return expandEnv(text, env, List.of());
    }

    /**
     * Expands {@code $(VAR)} (kubelet), {@code ${VAR}} and {@code $VAR} (shell) from literal env values. A
     * reference whose value the audit log cannot show, a {@code valueFrom} entry or a name that an
     * {@code envFrom} ConfigMap or Secret may define, becomes {@code <unresolved env NAME from SOURCE>}: the
     * container runs text the scorer cannot read, and that is evidence the rules can match (a shell whose
     * whole script is such a reference), not silence. A literal {@code env} entry wins over {@code envFrom}
     * and the last entry of a name wins, as in the kubelet.
     *
     * <p>Bounded against expansion bombs: a 500 KB value referenced 250,000 times from a 500 KB command line
     * would otherwise expand to 125 GB. Every reference is expanded while the result is shorter than the
     * command line plus {@link #MAX_ENV_EXPANSION} characters; past that, each variable is expanded only at
     * its first reference. So the result never exceeds the command line plus that margin plus every value
     * once (all bounded by the event size), and padding with a huge variable cannot hide a later one.
     */
    static String expandEnv(String text, List<EnvVarSpec> env, List<EnvFromSpec> envFrom) {
        boolean noEnv = env == null || env.isEmpty();
        boolean noEnvFrom = envFrom == null || envFrom.isEmpty();
        if ((noEnv && noEnvFrom) || text.indexOf('$') < 0) {
            return text;
        }
        Map<String, String> values = new HashMap<>();
        if (!noEnv) {
            for (EnvVarSpec v : env) {
                if (v.name() == null) {
                    continue;
                }
                if (v.value() != null) {
                    values.put(v.name(), v.value());
                } else if (v.valueFrom() != null) {
                    values.put(v.name(), unresolved(v.name(), v.valueFrom()));
                } else {
                    values.remove(v.name());
                }
            }
        }
        long budget = (long) text.length() + MAX_ENV_EXPANSION;
        Set<String> expanded = new HashSet<>();
        Matcher m = ENV_REF.matcher(text);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String v = values.get(name);
            if (v == null && !noEnvFrom) {
                v = fromEnvFrom(name, envFrom);
            }
            boolean expand = false;
            if (v != null) {
                boolean first = expanded.add(name);
                expand = first || sb.length() + v.length() <= budget;
            }
            sb.append(text, last, m.start()).append(expand ? v : m.group());
            last = m.end();
        }
        sb.append(text, last, text.length());
        return sb.toString();
    }

    /** The unresolved marker of a name the last matching {@code envFrom} entry may define, or null. */
    private static String fromEnvFrom(String name, List<EnvFromSpec> envFrom) {
        for (int i = envFrom.size() - 1; i >= 0; i--) {
            EnvFromSpec f = envFrom.get(i);
            String prefix = f.prefix() == null ? "" : f.prefix();
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return unresolved(name, "envFrom " + f.kind() + " " + (f.name() == null ? "(unnamed)" : f.name()));
            }
        }
        return null;
    }

    private static String unresolved(String name, String source) {
        return "<unresolved env " + name + " from " + source + ">";
    }

    /**
     * The tokens the regex {@code [A-Za-z0-9+/]{16,}={0,2}} would find, left to right: every maximal run of at
     * least 16 base64 characters with up to two '=' after it. A hand-written scan because it runs on every
     * command line and a character-class loop is ~50 times cheaper than RE2J's NFA over the same text.
     */
    static List<String> base64Tokens(String text) {
        List<String> tokens = null;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isBase64(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isBase64(text.charAt(i))) {
                i++;
            }
            if (i - start >= MIN_BASE64_TOKEN) {
                int end = i;
                while (end < n && end - i < 2 && text.charAt(end) == '=') {
                    end++;
                }
                if (tokens == null) {
                    tokens = new ArrayList<>();
                }
                tokens.add(text.substring(start, end));
                i = end;
            }
        }
        return tokens == null ? List.of() : tokens;
    }

    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    /** Decodes a base64 token and returns it when it is mostly printable text, else null. */
    static String decodeBase64Text(String token) {
        byte[] raw;
        try {
            String t = token;
            int pad = t.length() % 4;
            if (pad == 1) {
                t = t.substring(0, t.length() - 1);
            } else if (pad > 1 && !t.endsWith("=")) {
                t = t + "==".substring(0, 4 - pad);
            }
            raw = Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length < 8) {
            return null;
        }
        int printable = 0;
        for (byte b : raw) {
            if ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t' || b == '\r') {
                printable++;
            }
        }
        return printable * 10 >= raw.length * 9 ? new String(raw, StandardCharsets.UTF_8) : null;
    }

    private void pod(List<Found> out, int template, String id, Map<String, Integer> w, String path, String value) {
        int weight = w.getOrDefault(id, 0);
        if (weight > 0) {
            out.add(new Found(new Signal(id, id, weight, path, bound(value)), null, template));
        }
    }

    private void containerFlat(List<Found> out, int template, ImageReference img, String id, String path, String value) {
        int weight = rules.weights().getOrDefault(id, 0);
        if (weight > 0) {
            container(out, template, img, new Signal(id, id, weight, path, bound(value)));
        }
    }

    private static void container(List<Found> out, int template, ImageReference img, Signal s) {
        if (s.weight() > 0) {
            out.add(new Found(s, img, template));
        }
    }

    private boolean scopeMatches(Allow a, WorkloadEvent e) {
        if (a.namespace() != null && (e.namespace() == null || !a.namespace().find(e.namespace()))) {
            return false;
        }
        return a.actor() == null || (e.username() != null && a.actor().find(e.username()));
    }

    /**
     * The allowlist entry that silences this signal, or null: an in-scope entry that names the signal (or its
     * rule) and, when it lists images, runs on the signal's container (for a pod-level signal: on every
     * container of the template, so an allowlisted container cannot shelter another one's mounts).
     */
    private static String silencedBy(Found f, List<PodTemplate> templates, List<Allow> inScope) {
        for (Allow a : inScope) {
            if (!a.silences(f.signal())) {
                continue;
            }
            if (a.images().isEmpty()
                    || (f.image() != null ? a.admits(f.image()) : allContainersMatch(a, templates.get(f.template())))) {
                return a.entry().id();
            }
        }
        return null;
    }

    private static boolean allContainersMatch(Allow a, PodTemplate t) {
        if (t.containers().isEmpty()) {
            return false;
        }
        for (ContainerSpec c : t.containers()) {
            if (c.image() == null || !a.admits(ImageReference.parse(c.image()))) {
                return false;
            }
        }
        return true;
    }

    private static PrefilteredPattern compileOrNull(String p) {
        return p == null ? null : PrefilteredPattern.compile(p);
    }

    static String bound(String v) {
        if (v == null) {
            return null;
        }
        return v.length() <= MAX_VALUE ? v : v.substring(0, MAX_VALUE) + "...(" + v.length() + " chars)";
    }
}
