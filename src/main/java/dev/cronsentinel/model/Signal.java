package dev.cronsentinel.model;

/**
 * One fired detection signal with its evidence.
 *
 * @param id the signal, e.g. {@code privileged-container}
 * @param rule the rule inside the signal that matched, e.g. the command pattern id; equals {@code id} when
 *     the signal has a single rule
 * @param weight points this signal adds to the score
 * @param path JSON path of the field that matched
 * @param value the value that matched (bounded in length)
 */
public record Signal(String id, String rule, int weight, String path, String value) {}
