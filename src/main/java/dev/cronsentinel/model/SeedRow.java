package dev.cronsentinel.model;

import java.util.Map;

/**
 * The row a published seed query (Splunk SPL or Sumo Logic) returns for one event, field for field as
 * {@code shared/oracle/seed_queries.py} prints it. Flags hold 0/1 per query field; {@code suspicionScore}
 * is their sum.
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
        int suspicionScore) {}
