package dev.cronsentinel.ingest;

/**
 * A GKE Cloud Audit Logs {@code protoPayload.methodName}, split into the parts of a Kubernetes request:
 * {@code io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>}, e.g. {@code io.k8s.batch.v1.cronjobs.create},
 * {@code io.k8s.core.v1.pods.status.patch}. GKE writes the core group as {@code core}; it is the empty group
 * of {@code audit.k8s.io} ({@code objectRef.apiGroup} absent). A group of several segments is written reversed
 * ({@code io.k8s.authorization.rbac.v1...} for {@code rbac.authorization}), and rebuilt so.
 *
 * @param apiGroup the API group, empty for core
 * @param subresource empty when the method names none
 */
record GkeMethod(String apiGroup, String version, String resource, String subresource, String verb) {
    private static final String PREFIX = "io.k8s.";

    /** The parts of a Kubernetes method name, or null when the name is not one ({@code io.k8s.get} is not). */
    static GkeMethod parse(String methodName) {
        if (methodName == null || !methodName.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = methodName.substring(PREFIX.length()).split("\\.", 16);
        int version = -1;
        for (int i = 1; i < parts.length; i++) {
            if (isVersion(parts[i])) {
                version = i;
                break;
            }
        }
        // After the version: resource, optional subresource, verb.
        int rest = version < 0 ? 0 : parts.length - version - 1;
        if (rest < 2 || rest > 3) {
            return null;
        }
        StringBuilder group = new StringBuilder();
        for (int i = version - 1; i >= 0; i--) {
            if (group.length() > 0) {
                group.append('.');
            }
            group.append(parts[i]);
        }
        String g = group.toString();
        String sub = rest == 3 ? parts[version + 2] : "";
        return new GkeMethod("core".equals(g) ? "" : g, parts[version], parts[version + 1], sub, parts[parts.length - 1]);
    }

    /**
     * True when the method can be a relevant event: create/update/patch of cronjobs, jobs or pods, with no
     * subresource (the same test the pre-filter applies to a plain event's verb and objectRef).
     */
    boolean relevant() {
        return irrelevance() == null;
    }

    /** Why the method is not relevant, as the pre-filter's reasons name it; null when it is. */
    String irrelevance() {
        if (!(verb.equals("create") || verb.equals("update") || verb.equals("patch"))) {
            return "verb";
        }
        if (!(resource.equals("cronjobs") || resource.equals("jobs") || resource.equals("pods"))) {
            return "resource";
        }
        return subresource.isEmpty() ? null : "subresource";
    }

    /** {@code v1}, {@code v1beta1}, {@code v2alpha1}. */
    private static boolean isVersion(String s) {
        if (s.length() < 2 || s.charAt(0) != 'v' || !Character.isDigit(s.charAt(1))) {
            return false;
        }
        int i = 1;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return true;
        }
        String tail = s.substring(i);
        String level = tail.startsWith("alpha") ? "alpha" : tail.startsWith("beta") ? "beta" : null;
        if (level == null || tail.length() == level.length()) {
            return false;
        }
        for (int j = level.length(); j < tail.length(); j++) {
            if (!Character.isDigit(tail.charAt(j))) {
                return false;
            }
        }
        return true;
    }
}
