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
        List<VolumeSpec> volumes) {}
