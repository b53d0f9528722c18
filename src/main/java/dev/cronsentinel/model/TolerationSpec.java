package dev.cronsentinel.model;

/** One toleration of a pod template, each field exactly as written (null when absent). */
public record TolerationSpec(String path, String key, String operator, String value, String effect) {}
