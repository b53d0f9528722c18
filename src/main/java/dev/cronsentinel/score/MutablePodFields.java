package dev.cronsentinel.score;

import dev.cronsentinel.model.WorkloadEvent;

/**
 * A Pod's spec is immutable once created except for a few fields: container and init container images,
 * {@code activeDeadlineSeconds} and added tolerations (kubernetes.io/docs/concepts/workloads/pods, "Pod
 * update and replacement"). So an update or patch of an existing Pod is judged on what it can change, not on
 * the whole spec it carries (a client's update sends the spec back; judging it again re-alerts on a Pod that
 * was judged at its creation).
 */
final class MutablePodFields {
    private MutablePodFields() {}

    /** True for an update or patch of a Pod. */
    static boolean applies(WorkloadEvent e) {
        return "pods".equals(e.resource()) && ("update".equals(e.verb()) || "patch".equals(e.verb()));
    }

    /** True when a signal's evidence path is a field an update may change. */
    static boolean isMutable(String path) {
        if (path == null) {
            return false;
        }
        boolean image = path.endsWith(".image") && (path.contains(".containers[") || path.contains(".initContainers["));
        return image || path.contains(".tolerations") || path.endsWith(".activeDeadlineSeconds");
    }
}
