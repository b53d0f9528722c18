package dev.cronsentinel.model;

import java.util.List;

/**
 * The pod-level fields the Pod Security Standards restrict beyond the host namespaces and {@code runAsUser}.
 * Null when the field is absent; lists are empty.
 *
 * @param sysctls the names in {@code securityContext.sysctls[*].name}
 * @param annotations the template's {@code metadata.annotations} for AppArmor and seccomp
 *     ({@code container.apparmor.security.beta.kubernetes.io/*}, {@code seccomp.security.alpha.kubernetes.io/pod},
 *     {@code container.seccomp.security.alpha.kubernetes.io/*}); other annotations are not kept
 */
public record PodSecurityFields(
        String seccompType,
        String appArmorType,
        String seLinuxType,
        String seLinuxUser,
        String seLinuxRole,
        Boolean windowsHostProcess,
        List<String> sysctls,
        List<LabelSpec> annotations) {}
