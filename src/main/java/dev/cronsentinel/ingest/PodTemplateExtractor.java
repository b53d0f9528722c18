package dev.cronsentinel.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cronsentinel.model.BatchControls;
import dev.cronsentinel.model.ContainerSecurityFields;
import dev.cronsentinel.model.ContainerSpec;
import dev.cronsentinel.model.EnvFromSpec;
import dev.cronsentinel.model.EnvVarSpec;
import dev.cronsentinel.model.ExecSpec;
import dev.cronsentinel.model.HostPortSpec;
import dev.cronsentinel.model.LabelSpec;
import dev.cronsentinel.model.PodPlacement;
import dev.cronsentinel.model.PodSecurityFields;
import dev.cronsentinel.model.TolerationSpec;
import dev.cronsentinel.model.MountSpec;
import dev.cronsentinel.model.PodTemplate;
import dev.cronsentinel.model.VolumeSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Flattens a pod spec ({@code containers}, {@code initContainers}, {@code ephemeralContainers},
 * {@code volumes}, host namespaces, security contexts) into a {@link PodTemplate}.
 *
 * <p>Works on whole objects and on partial ones (merge patches, JSON Patch ops rebuilt into a tree): an
 * absent or {@code null} field is simply absent. A field of the wrong JSON type is not something the API
 * server would have accepted, so it marks a forged or corrupted event and is reported as
 * {@link BadEventException} rather than guessed at.
 */
final class PodTemplateExtractor {
    private static final String[] CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"};
    /** Where a container spec holds an {@code exec} action the kubelet runs (hooks first, then probes). */
    private static final String[][] EXEC_HANDLERS = {
        {"lifecycle", "postStart"}, {"lifecycle", "preStop"}, {"livenessProbe"}, {"readinessProbe"}, {"startupProbe"}};
    /** The {@code valueFrom} sources of an env entry. */
    private static final String[] VALUE_SOURCES = {"configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"};

    private PodTemplateExtractor() {}

    /** The pod spec path inside a workload object, by resource. */
    static String[] podSpecPath(String resource) {
        switch (resource) {
            case "cronjobs":
                return new String[] {"spec", "jobTemplate", "spec", "template", "spec"};
            case "jobs":
                return new String[] {"spec", "template", "spec"};
            default:
                return new String[] {"spec"};
        }
    }

    /**
     * Extracts the pod template of {@code object} (a workload object or partial object), or returns null when
     * it has no pod spec at the resource's path.
     *
     * @param prefix JSON path of {@code object} in the event, e.g. {@code requestObject}
     */
    static PodTemplate extract(String source, String prefix, JsonNode object, String resource)
            throws BadEventException {
        JsonNode node = object;
        JsonNode templateNode = null;
        StringBuilder path = new StringBuilder(prefix);
        String templatePath = prefix;
        for (String seg : podSpecPath(resource)) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            if (!node.isObject()) {
                throw BadEventException.wrongType(path.toString(), "an object");
            }
            templateNode = node;
            templatePath = path.toString();
            node = node.get(seg);
            path.append('.').append(seg);
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw BadEventException.wrongType(path.toString(), "an object");
        }
        String base = path.toString();
        List<ContainerSpec> containers = new ArrayList<>();
        for (String list : CONTAINER_LISTS) {
            JsonNode arr = node.get(list);
            if (arr == null || arr.isNull()) {
                continue;
            }
            String listPath = base + "." + list;
            if (!arr.isArray()) {
                throw BadEventException.wrongType(listPath, "an array");
            }
            for (int i = 0; i < arr.size(); i++) {
                JsonNode c = arr.get(i);
                if (c == null || c.isNull()) {
                    continue;
                }
                containers.add(container(listPath + "[" + i + "]", c));
            }
        }
        List<VolumeSpec> volumes = new ArrayList<>();
        JsonNode vols = node.get("volumes");
        if (vols != null && !vols.isNull()) {
            if (!vols.isArray()) {
                throw BadEventException.wrongType(base + ".volumes", "an array");
            }
            for (int i = 0; i < vols.size(); i++) {
                JsonNode v = vols.get(i);
                String vp = base + ".volumes[" + i + "]";
                if (v == null || v.isNull()) {
                    continue;
                }
                if (!v.isObject()) {
                    throw BadEventException.wrongType(vp, "an object");
                }
                String hostPath = null;
                JsonNode hp = v.get("hostPath");
                if (hp != null && !hp.isNull()) {
                    if (!hp.isObject()) {
                        throw BadEventException.wrongType(vp + ".hostPath", "an object");
                    }
                    hostPath = text(hp, "path", vp + ".hostPath.path");
                    if (hostPath == null) {
                        // A hostPath volume whose path is absent (partial patch) is still a hostPath volume.
                        hostPath = "";
                    }
                }
                volumes.add(new VolumeSpec(vp, text(v, "name", vp + ".name"), hostPath, volumeType(v)));
            }
        }
        JsonNode podSc = object(node, "securityContext", base + ".securityContext");
        return new PodTemplate(
                source,
                base,
                bool(node, "hostNetwork", base + ".hostNetwork"),
                bool(node, "hostPID", base + ".hostPID"),
                bool(node, "hostIPC", base + ".hostIPC"),
                podSc == null ? null : integer(podSc, "runAsUser", base + ".securityContext.runAsUser"),
                podSc == null ? null : bool(podSc, "runAsNonRoot", base + ".securityContext.runAsNonRoot"),
                Collections.unmodifiableList(containers),
                Collections.unmodifiableList(volumes),
                serviceAccountName(node, base),
                bool(node, "automountServiceAccountToken", base + ".automountServiceAccountToken"),
                podSecurity(podSc, templateNode, base, templatePath),
                placement(node, base),
                batchControls(object, resource, prefix));
    }

    /** {@code serviceAccountName}, else the deprecated {@code serviceAccount} alias the API server still honours. */
    private static String serviceAccountName(JsonNode spec, String base) throws BadEventException {
        String name = text(spec, "serviceAccountName", base + ".serviceAccountName");
        return name != null ? name : text(spec, "serviceAccount", base + ".serviceAccount");
    }

    /** The first field of a volume that is not its name: the volume source's type. */
    private static String volumeType(JsonNode volume) {
        java.util.Iterator<String> it = volume.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!f.equals("name")) {
                return f;
            }
        }
        return null;
    }

    /**
     * The pod-level Pod Security Standards fields: seccomp, AppArmor, SELinux, Windows hostProcess, sysctls,
     * and the AppArmor/seccomp annotations of the template's metadata (a sibling of its spec).
     */
    private static PodSecurityFields podSecurity(JsonNode podSc, JsonNode template, String base, String templatePath)
            throws BadEventException {
        String sc = base + ".securityContext";
        List<String> sysctls = new ArrayList<>();
        String seccomp = null;
        String appArmor = null;
        String[] seLinux = {null, null, null};
        Boolean hostProcess = null;
        if (podSc != null) {
            seccomp = profileType(podSc, "seccompProfile", sc);
            appArmor = profileType(podSc, "appArmorProfile", sc);
            seLinux = seLinux(podSc, sc);
            hostProcess = hostProcess(podSc, sc);
            forEachObject(podSc, "sysctls", sc + ".sysctls", (item, itemPath) -> {
                String name = text(item, "name", itemPath + ".name");
                if (name != null) {
                    sysctls.add(name);
                }
            });
        }
        List<LabelSpec> annotations = new ArrayList<>();
        JsonNode meta = template == null ? null : object(template, "metadata", templatePath + ".metadata");
        JsonNode ann = meta == null ? null : object(meta, "annotations", templatePath + ".metadata.annotations");
        if (ann != null) {
            java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = ann.fields();
            while (it.hasNext()) {
                java.util.Map.Entry<String, JsonNode> a = it.next();
                String k = a.getKey();
                if ((k.startsWith("container.apparmor.security.beta.kubernetes.io/") || k.startsWith("seccomp.security.alpha.kubernetes.io/")
                        || k.startsWith("container.seccomp.security.alpha.kubernetes.io/")) && a.getValue().isTextual()) {
                    annotations.add(new LabelSpec(k, a.getValue().textValue()));
                }
            }
        }
        return new PodSecurityFields(seccomp, appArmor, seLinux[0], seLinux[1], seLinux[2], hostProcess,
                Collections.unmodifiableList(sysctls), Collections.unmodifiableList(annotations));
    }

    /** The container-level Pod Security Standards fields: host ports, seccomp, AppArmor, SELinux, procMount, ... */
    private static ContainerSecurityFields containerSecurity(JsonNode c, JsonNode sc, String path) throws BadEventException {
        List<HostPortSpec> hostPorts = new ArrayList<>();
        forEachObject(c, "ports", path + ".ports", (p, portPath) -> {
            Long hp = integer(p, "hostPort", portPath + ".hostPort");
            if (hp != null && hp != 0) {
                hostPorts.add(new HostPortSpec(portPath + ".hostPort", hp));
            }
        });
        if (sc == null) {
            return new ContainerSecurityFields(Collections.unmodifiableList(hostPorts), null, null, null, null, null, null,
                    null, List.of());
        }
        String scp = path + ".securityContext";
        String[] seLinux = seLinux(sc, scp);
        JsonNode caps = object(sc, "capabilities", scp + ".capabilities");
        return new ContainerSecurityFields(
                Collections.unmodifiableList(hostPorts),
                profileType(sc, "seccompProfile", scp),
                profileType(sc, "appArmorProfile", scp),
                seLinux[0], seLinux[1], seLinux[2],
                text(sc, "procMount", scp + ".procMount"),
                hostProcess(sc, scp),
                caps == null ? List.of() : strings(caps, "drop", scp + ".capabilities.drop"));
    }

    private static String profileType(JsonNode sc, String field, String scPath) throws BadEventException {
        JsonNode p = object(sc, field, scPath + "." + field);
        return p == null ? null : text(p, "type", scPath + "." + field + ".type");
    }

    /** {type, user, role} of {@code seLinuxOptions}; each null when absent. */
    private static String[] seLinux(JsonNode sc, String scPath) throws BadEventException {
        JsonNode o = object(sc, "seLinuxOptions", scPath + ".seLinuxOptions");
        if (o == null) {
            return new String[] {null, null, null};
        }
        String p = scPath + ".seLinuxOptions";
        return new String[] {text(o, "type", p + ".type"), text(o, "user", p + ".user"), text(o, "role", p + ".role")};
    }

    private static Boolean hostProcess(JsonNode sc, String scPath) throws BadEventException {
        JsonNode w = object(sc, "windowsOptions", scPath + ".windowsOptions");
        return w == null ? null : bool(w, "hostProcess", scPath + ".windowsOptions.hostProcess");
    }

    /** {@code nodeName}, {@code nodeSelector}, node affinity match expressions and tolerations. */
    private static PodPlacement placement(JsonNode spec, String base) throws BadEventException {
        List<LabelSpec> selector = new ArrayList<>();
        JsonNode ns = object(spec, "nodeSelector", base + ".nodeSelector");
        if (ns != null) {
            java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = ns.fields();
            while (it.hasNext()) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                selector.add(new LabelSpec(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : null));
            }
        }
        List<LabelSpec> affinity = new ArrayList<>();
        JsonNode aff = object(spec, "affinity", base + ".affinity");
        JsonNode node = aff == null ? null : object(aff, "nodeAffinity", base + ".affinity.nodeAffinity");
        if (node != null) {
            // Expressions are read wherever they sit under nodeAffinity (required terms, preferred terms'
            // preference): placement rules judge the key, and both forms steer the scheduler to that node.
            for (JsonNode expr : node.findValues("matchExpressions")) {
                if (!expr.isArray()) {
                    continue;
                }
                for (JsonNode m : expr) {
                    if (m != null && m.isObject() && m.path("key").isTextual()) {
                        String op = m.path("operator").asText("");
                        affinity.add(new LabelSpec(m.get("key").textValue(), (op + " " + m.path("values")).trim()));
                    }
                }
            }
        }
        List<TolerationSpec> tolerations = new ArrayList<>();
        forEachObject(spec, "tolerations", base + ".tolerations", (t, tp) -> tolerations.add(new TolerationSpec(tp,
                text(t, "key", tp + ".key"), text(t, "operator", tp + ".operator"), text(t, "value", tp + ".value"),
                text(t, "effect", tp + ".effect"))));
        return new PodPlacement(text(spec, "nodeName", base + ".nodeName"), Collections.unmodifiableList(selector),
                Collections.unmodifiableList(affinity), Collections.unmodifiableList(tolerations));
    }

    /** Receives one object item of an array field and its path. */
    private interface ObjectItem {
        void accept(JsonNode item, String itemPath) throws BadEventException;
    }

    /**
     * Calls {@code each} for every non-null item of array {@code field}: absent or null is empty, a
     * non-array field or a non-object item is {@link BadEventException} (what the API server would refuse).
     */
    private static void forEachObject(JsonNode parent, String field, String path, ObjectItem each) throws BadEventException {
        JsonNode arr = parent.get(field);
        if (arr == null || arr.isNull()) {
            return;
        }
        if (!arr.isArray()) {
            throw BadEventException.wrongType(path, "an array");
        }
        for (int i = 0; i < arr.size(); i++) {
            JsonNode item = arr.get(i);
            String itemPath = path + "[" + i + "]";
            if (item == null || item.isNull()) {
                continue;
            }
            if (!item.isObject()) {
                throw BadEventException.wrongType(itemPath, "an object");
            }
            each.accept(item, itemPath);
        }
    }

    /** The CronJob/Job fields that decide how long a run's objects (and so its evidence) survive. */
    private static BatchControls batchControls(JsonNode object, String resource, String prefix) throws BadEventException {
        JsonNode spec = object == null ? null : object.get("spec");
        if (spec == null || !spec.isObject()) {
            return null;
        }
        String sp = prefix + ".spec";
        switch (resource) {
            case "cronjobs": {
                JsonNode jobSpec = spec.path("jobTemplate").path("spec");
                Long ttl = jobSpec.isObject() ? integer(jobSpec, "ttlSecondsAfterFinished", sp + ".jobTemplate.spec.ttlSecondsAfterFinished") : null;
                return new BatchControls(ttl,
                        integer(spec, "successfulJobsHistoryLimit", sp + ".successfulJobsHistoryLimit"),
                        integer(spec, "failedJobsHistoryLimit", sp + ".failedJobsHistoryLimit"),
                        text(spec, "concurrencyPolicy", sp + ".concurrencyPolicy"));
            }
            case "jobs":
                return new BatchControls(integer(spec, "ttlSecondsAfterFinished", sp + ".ttlSecondsAfterFinished"), null, null, null);
            default:
                return null;
        }
    }

    private static ContainerSpec container(String path, JsonNode c) throws BadEventException {
        if (!c.isObject()) {
            throw BadEventException.wrongType(path, "an object");
        }
        JsonNode sc = object(c, "securityContext", path + ".securityContext");
        List<String> caps = List.of();
        if (sc != null) {
            JsonNode capsNode = object(sc, "capabilities", path + ".securityContext.capabilities");
            if (capsNode != null) {
                caps = strings(capsNode, "add", path + ".securityContext.capabilities.add");
            }
        }
        List<EnvVarSpec> env = new ArrayList<>();
        JsonNode envNode = c.get("env");
        if (envNode != null && !envNode.isNull()) {
            if (!envNode.isArray()) {
                throw BadEventException.wrongType(path + ".env", "an array");
            }
            for (int i = 0; i < envNode.size(); i++) {
                JsonNode e = envNode.get(i);
                String ep = path + ".env[" + i + "]";
                if (e == null || e.isNull()) {
                    continue;
                }
                if (!e.isObject()) {
                    throw BadEventException.wrongType(ep, "an object");
                }
                env.add(new EnvVarSpec(text(e, "name", ep + ".name"), text(e, "value", ep + ".value"), valueFrom(e, ep)));
            }
        }
        List<MountSpec> mounts = new ArrayList<>();
        JsonNode mountNode = c.get("volumeMounts");
        if (mountNode != null && !mountNode.isNull()) {
            if (!mountNode.isArray()) {
                throw BadEventException.wrongType(path + ".volumeMounts", "an array");
            }
            for (int i = 0; i < mountNode.size(); i++) {
                JsonNode m = mountNode.get(i);
                String mp = path + ".volumeMounts[" + i + "]";
                if (m == null || m.isNull()) {
                    continue;
                }
                if (!m.isObject()) {
                    throw BadEventException.wrongType(mp, "an object");
                }
                mounts.add(new MountSpec(text(m, "name", mp + ".name"), text(m, "mountPath", mp + ".mountPath")));
            }
        }
        return new ContainerSpec(
                path,
                text(c, "name", path + ".name"),
                text(c, "image", path + ".image"),
                strings(c, "command", path + ".command"),
                strings(c, "args", path + ".args"),
                Collections.unmodifiableList(env),
                sc == null ? null : bool(sc, "privileged", path + ".securityContext.privileged"),
                sc == null ? null : bool(sc, "allowPrivilegeEscalation", path + ".securityContext.allowPrivilegeEscalation"),
                sc == null ? null : integer(sc, "runAsUser", path + ".securityContext.runAsUser"),
                sc == null ? null : bool(sc, "runAsNonRoot", path + ".securityContext.runAsNonRoot"),
                caps,
                Collections.unmodifiableList(mounts),
                containerSecurity(c, sc, path),
                execs(c, path),
                envFrom(c, path));
    }

    /** The {@code exec.command} of every lifecycle hook and probe that has one. */
    private static List<ExecSpec> execs(JsonNode c, String path) throws BadEventException {
        List<ExecSpec> out = new ArrayList<>();
        for (String[] handler : EXEC_HANDLERS) {
            JsonNode node = c;
            String p = path;
            for (String seg : handler) {
                node = object(node, seg, p + "." + seg);
                p = p + "." + seg;
                if (node == null) {
                    break;
                }
            }
            if (node == null) {
                continue;
            }
            JsonNode exec = object(node, "exec", p + ".exec");
            if (exec == null) {
                continue;
            }
            List<String> command = strings(exec, "command", p + ".exec.command");
            if (!command.isEmpty()) {
                out.add(new ExecSpec(p + ".exec.command", command));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Where a {@code valueFrom} env entry takes its value, e.g. {@code secretKeyRef db/password}; null for literals. */
    private static String valueFrom(JsonNode e, String path) throws BadEventException {
        JsonNode from = object(e, "valueFrom", path + ".valueFrom");
        if (from == null) {
            return null;
        }
        for (String source : VALUE_SOURCES) {
            JsonNode ref = object(from, source, path + ".valueFrom." + source);
            if (ref == null) {
                continue;
            }
            String where = path + ".valueFrom." + source;
            String name = text(ref, "name", where + ".name");
            String key = text(ref, "key", where + ".key");
            String field = source.equals("fieldRef") ? text(ref, "fieldPath", where + ".fieldPath")
                    : source.equals("resourceFieldRef") ? text(ref, "resource", where + ".resource") : null;
            String what = field != null ? field : (name == null ? "" : name) + "/" + (key == null ? "" : key);
            return source + " " + what;
        }
        // A source this version does not know is still not a literal value.
        return "valueFrom";
    }

    /** The container's {@code envFrom[]} ConfigMaps and Secrets. */
    private static List<EnvFromSpec> envFrom(JsonNode c, String path) throws BadEventException {
        JsonNode arr = c.get("envFrom");
        if (arr == null || arr.isNull()) {
            return List.of();
        }
        if (!arr.isArray()) {
            throw BadEventException.wrongType(path + ".envFrom", "an array");
        }
        List<EnvFromSpec> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            JsonNode e = arr.get(i);
            String ep = path + ".envFrom[" + i + "]";
            if (e == null || e.isNull()) {
                continue;
            }
            if (!e.isObject()) {
                throw BadEventException.wrongType(ep, "an object");
            }
            String prefix = text(e, "prefix", ep + ".prefix");
            JsonNode cm = object(e, "configMapRef", ep + ".configMapRef");
            JsonNode secret = object(e, "secretRef", ep + ".secretRef");
            if (cm != null) {
                out.add(new EnvFromSpec(ep, "configMap", text(cm, "name", ep + ".configMapRef.name"), prefix == null ? "" : prefix));
            }
            if (secret != null) {
                out.add(new EnvFromSpec(ep, "secret", text(secret, "name", ep + ".secretRef.name"), prefix == null ? "" : prefix));
            }
        }
        return Collections.unmodifiableList(out);
    }

    static String text(JsonNode parent, String field, String path) throws BadEventException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw BadEventException.wrongType(path, "a string");
        }
        return n.textValue();
    }

    static Boolean bool(JsonNode parent, String field, String path) throws BadEventException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw BadEventException.wrongType(path, "a boolean");
        }
        return n.booleanValue();
    }

    static Long integer(JsonNode parent, String field, String path) throws BadEventException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw BadEventException.wrongType(path, "an integer");
        }
        return n.longValue();
    }

    static JsonNode object(JsonNode parent, String field, String path) throws BadEventException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw BadEventException.wrongType(path, "an object");
        }
        return n;
    }

    static List<String> strings(JsonNode parent, String field, String path) throws BadEventException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw BadEventException.wrongType(path, "an array of strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (item == null || item.isNull()) {
                continue;
            }
            if (!item.isTextual()) {
                throw BadEventException.wrongType(path + "[" + i + "]", "a string");
            }
            out.add(item.textValue());
        }
        return Collections.unmodifiableList(out);
    }
}
