package dev.cronsentinel.model;

import java.util.List;

/**
 * The container-level fields the Pod Security Standards restrict beyond {@code privileged},
 * {@code allowPrivilegeEscalation}, {@code runAsUser}, {@code runAsNonRoot} and {@code capabilities.add}.
 * Null when the field is absent; lists are empty.
 *
 * @param hostPorts every non-zero {@code ports[*].hostPort}, with its path
 */
public record ContainerSecurityFields(
        List<HostPortSpec> hostPorts,
        String seccompType,
        String appArmorType,
        String seLinuxType,
        String seLinuxUser,
        String seLinuxRole,
        String procMount,
        Boolean windowsHostProcess,
        List<String> capabilitiesDrop) {}
