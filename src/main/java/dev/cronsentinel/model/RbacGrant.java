package dev.cronsentinel.model;

/**
 * One subject of one accepted RBAC binding write (create, update or patch of a {@code RoleBinding} or
 * {@code ClusterRoleBinding}), as the API server stored it: who granted which role to whom, when. A binding with
 * three subjects is three grants. Never a {@link WorkloadEvent}: a grant is not scored, it only opens a window in
 * which a workload write by (or running as) its subject is a sequence (correlate/GrantSequenceFunction).
 *
 * @param resource {@code rolebindings} or {@code clusterrolebindings}
 * @param namespace the binding's namespace; null for a ClusterRoleBinding
 * @param name the binding's name
 * @param actor {@code user.username} of the request: the granting identity
 * @param subjectKind {@code User}, {@code Group} or {@code ServiceAccount}
 * @param subjectNamespace a service account's namespace (the binding's when the subject names none); null otherwise
 * @param roleRefKind {@code ClusterRole} or {@code Role}
 * @param origin where the line came from ({@code file:line} or {@code topic-partition@offset})
 */
public record RbacGrant(
        String auditId,
        long eventTime,
        String verb,
        String resource,
        String namespace,
        String name,
        String actor,
        String sourceIp,
        String userAgent,
        String subjectKind,
        String subjectName,
        String subjectNamespace,
        String roleRefKind,
        String roleRefName,
        String origin) {

    public static final String SERVICE_ACCOUNT = "ServiceAccount";
    public static final String USER = "User";
    public static final String GROUP = "Group";

    /**
     * The identity the grant empowers, spelled as the API server authenticates it: a user's name, a service account's
     * {@code system:serviceaccount:<namespace>:<name>}, a group's {@code group:<name>} (a name no user can have, so a
     * group grant never meets a user of the same name).
     */
    public String subject() {
        if (SERVICE_ACCOUNT.equals(subjectKind)) {
            return serviceAccount(subjectNamespace, subjectName);
        }
        return GROUP.equals(subjectKind) ? "group:" + subjectName : subjectName;
    }

    /** The username a service account's token authenticates as. */
    public static String serviceAccount(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}
