package dev.cronsentinel.model;

import java.util.List;

/**
 * A command the kubelet runs inside a container besides its entrypoint: a {@code lifecycle} hook
 * ({@code postStart}, {@code preStop}) or a probe ({@code livenessProbe}, {@code readinessProbe},
 * {@code startupProbe}) with an {@code exec} action. It runs with the container's privileges and env.
 *
 * @param path JSON path of the {@code exec.command} list inside the event, e.g.
 *     {@code requestObject.spec.containers[0].lifecycle.postStart.exec.command}
 */
public record ExecSpec(String path, List<String> command) {}
