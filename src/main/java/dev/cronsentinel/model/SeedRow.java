package dev.cronsentinel.model;

import java.util.List;
import java.util.Map;

/**
 * The row a published seed query (Splunk SPL or Sumo Logic) returns for one event, field for field as
 * {@code shared/oracle/seed_queries.py} prints it. Flags hold 0/1 per query field; {@code suspicionScore}
 * is their sum.
 *
 * <p>The oracle copies each field from the event whatever its JSON type. A field holds the value itself
 * when the event had a string there, and null when the event had {@code null} or nothing (the oracle
 * prints both as {@code null}). In hostile input a field can be a number, a boolean, an object or an array:
 * the field then holds that value's JSON text as the oracle prints it (e.g. {@code 5}, {@code true}, {@code
 * {"a":1}}) and its oracle name (e.g. {@code auditID}, {@code resource_name}) is listed in {@code
 * nonStringFields}, so the row can be rendered back exactly. Well-formed audit events never need it.
 *
 * @param flags flag name to 0/1, in the query's column order when built by the scorer (a Flink
 *     serialisation round trip does not keep map order; render with the profile's order)
 * @param nonStringFields oracle names of the fields that hold JSON text rather than a string; never null
 */
public record SeedRow(
        String auditID,
        String stage,
        String time,
        String resource,
        String verb,
        String namespace,
        String resourceName,
        String user,
        String userAgent,
        String sourceIp,
        Map<String, Integer> flags,
        int suspicionScore,
        List<String> nonStringFields) {

    public SeedRow {
        nonStringFields = nonStringFields == null ? List.of() : List.copyOf(nonStringFields);
    }

    /** A row whose fields were all strings or null. */
    public SeedRow(
            String auditID,
            String stage,
            String time,
            String resource,
            String verb,
            String namespace,
            String resourceName,
            String user,
            String userAgent,
            String sourceIp,
            Map<String, Integer> flags,
            int suspicionScore) {
        this(auditID, stage, time, resource, verb, namespace, resourceName, user, userAgent, sourceIp, flags,
                suspicionScore, List.of());
    }
}
