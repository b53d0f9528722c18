package dev.cronsentinel.model;

/** A container port bound on the node: {@code ports[i].hostPort}, non-zero. */
public record HostPortSpec(String path, long hostPort) {}
