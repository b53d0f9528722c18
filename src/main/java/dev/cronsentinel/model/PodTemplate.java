package dev.cronsentinel.model;

import java.util.List;

/**
 * A pod spec flattened to what the rules read. One event can carry several: a patch document, the
 * {@code last-applied-configuration} manifest of a {@code kubectl apply}, and the object itself.
 *
 * @param source which part of the event this came from: {@code requestObject}, {@code patch},
 *     {@code json-patch} or {@code last-applied-configuration}
 * @param path JSON path of the pod spec inside the event, the prefix of every evidence path
 * @param containers {@code containers}, {@code initContainers} and {@code ephemeralContainers}, in that order
 * @param serviceAccountName {@code serviceAccountName} (or the deprecated {@code serviceAccount}), null when absent
 * @param automountServiceAccountToken null when absent
 * @param security the further Pod Security Standards fields; null when not extracted (slimmed events, tests)
 * @param placement node selection and tolerations; null when not extracted
 * @param batch the CronJob/Job fields around the template; null when not extracted
 */
public record PodTemplate(
        String source,
        String path,
        Boolean hostNetwork,
        Boolean hostPID,
        Boolean hostIPC,
        Long runAsUser,
        Boolean runAsNonRoot,
        List<ContainerSpec> containers,
        List<VolumeSpec> volumes,
        String serviceAccountName,
        Boolean automountServiceAccountToken,
        PodSecurityFields security,
        PodPlacement placement,
        BatchControls batch) {

    /** A template with only the fields the structural rules of the first release read. */
    public PodTemplate(String source, String path, Boolean hostNetwork, Boolean hostPID, Boolean hostIPC, Long runAsUser,
            Boolean runAsNonRoot, List<ContainerSpec> containers, List<VolumeSpec> volumes) {
        this(source, path, hostNetwork, hostPID, hostIPC, runAsUser, runAsNonRoot, containers, volumes, null, null, null,
                null, null);
    }
}
