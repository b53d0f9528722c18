package dev.cronsentinel.model;

import java.util.List;

/**
 * Where a pod template asks to run: {@code nodeName} (which bypasses the scheduler), {@code nodeSelector},
 * the match expressions of required and preferred node affinity, and tolerations.
 */
public record PodPlacement(
        String nodeName,
        List<LabelSpec> nodeSelector,
        List<LabelSpec> nodeAffinity,
        List<TolerationSpec> tolerations) {}
