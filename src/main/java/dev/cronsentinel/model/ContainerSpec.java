package dev.cronsentinel.model;

import java.util.List;

/**
 * The detection-relevant fields of one container of a pod template. Boolean/Long fields are null when the
 * field is absent, so "absent" and "explicitly false" stay distinguishable.
 *
 * @param path JSON path of the container inside the event, e.g.
 *     {@code requestObject.spec.jobTemplate.spec.template.spec.initContainers[0]}
 * @param security the further Pod Security Standards fields; null when not extracted (slimmed events, tests)
 * @param execs the lifecycle hooks' and probes' {@code exec} commands, in the order hooks, then probes
 * @param envFrom the container's {@code envFrom[]} ConfigMaps and Secrets
 */
public record ContainerSpec(
        String path,
        String name,
        String image,
        List<String> command,
        List<String> args,
        List<EnvVarSpec> env,
        Boolean privileged,
        Boolean allowPrivilegeEscalation,
        Long runAsUser,
        Boolean runAsNonRoot,
        List<String> capabilitiesAdd,
        List<MountSpec> mounts,
        ContainerSecurityFields security,
        List<ExecSpec> execs,
        List<EnvFromSpec> envFrom) {

    /** A container with only the fields the structural rules of the first release read. */
    public ContainerSpec(String path, String name, String image, List<String> command, List<String> args,
            List<EnvVarSpec> env, Boolean privileged, Boolean allowPrivilegeEscalation, Long runAsUser,
            Boolean runAsNonRoot, List<String> capabilitiesAdd, List<MountSpec> mounts) {
        this(path, name, image, command, args, env, privileged, allowPrivilegeEscalation, runAsUser, runAsNonRoot,
                capabilitiesAdd, mounts, null, List.of(), List.of());
    }

    /** A container with its Pod Security Standards fields, without exec hooks, probes or {@code envFrom}. */
    public ContainerSpec(String path, String name, String image, List<String> command, List<String> args,
            List<EnvVarSpec> env, Boolean privileged, Boolean allowPrivilegeEscalation, Long runAsUser,
            Boolean runAsNonRoot, List<String> capabilitiesAdd, List<MountSpec> mounts,
            ContainerSecurityFields security) {
        this(path, name, image, command, args, env, privileged, allowPrivilegeEscalation, runAsUser, runAsNonRoot,
                capabilitiesAdd, mounts, security, List.of(), List.of());
    }

    /** A container with exec hooks, probes and {@code envFrom}, without the further security fields. */
    public ContainerSpec(String path, String name, String image, List<String> command, List<String> args,
            List<EnvVarSpec> env, Boolean privileged, Boolean allowPrivilegeEscalation, Long runAsUser,
            Boolean runAsNonRoot, List<String> capabilitiesAdd, List<MountSpec> mounts, List<ExecSpec> execs,
            List<EnvFromSpec> envFrom) {
        this(path, name, image, command, args, env, privileged, allowPrivilegeEscalation, runAsUser, runAsNonRoot,
                capabilitiesAdd, mounts, null, execs, envFrom);
    }
}
