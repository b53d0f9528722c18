package dev.cronsentinel.compat;

import dev.cronsentinel.model.SeedRow;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link SeedRow} as the oracle prints it: {@code json.dumps(row, separators=(",", ":"),
 * ensure_ascii=False)} with the keys {@code auditID, stage, time, resource, verb, namespace, resource_name,
 * user, user_agent, source_ip}, then the flags in the query's order, then {@code SuspicionScore}. For every
 * row the oracle can print, the text is identical to its line. (A string with a lone surrogate, which the
 * oracle cannot print at all, is written with a {@code \\udxxx} escape.)
 */
public final class SeedRowJson {
    private SeedRowJson() {}

    /** The row with its flags in the order of the row's own map (the scorer builds it in query order). */
    public static String toJson(SeedRow row) {
        return toJson(row, new ArrayList<>(row.flags().keySet()));
    }

    /**
     * The row with its flags in the given order, e.g. {@link SeedQueryProfile#flagNames()}; use this for a
     * row that went through Flink serialisation, which does not keep map order.
     *
     * @throws IllegalArgumentException when {@code flagOrder} does not name exactly the row's flags
     */
    public static String toJson(SeedRow row, List<String> flagOrder) {
        if (flagOrder.size() != row.flags().size() || !row.flags().keySet().containsAll(flagOrder)) {
            throw new IllegalArgumentException("flag order " + flagOrder + " does not match the row's flags "
                    + row.flags().keySet());
        }
        StringBuilder sb = new StringBuilder(512).append('{');
        field(sb, row, "auditID", row.auditID());
        field(sb, row, "stage", row.stage());
        field(sb, row, "time", row.time());
        field(sb, row, "resource", row.resource());
        field(sb, row, "verb", row.verb());
        field(sb, row, "namespace", row.namespace());
        field(sb, row, "resource_name", row.resourceName());
        field(sb, row, "user", row.user());
        field(sb, row, "user_agent", row.userAgent());
        field(sb, row, "source_ip", row.sourceIp());
        for (String flag : flagOrder) {
            PythonJsonWriter.appendString(sb, flag, true);
            sb.append(':').append(row.flags().get(flag).intValue()).append(',');
        }
        sb.append("\"SuspicionScore\":").append(row.suspicionScore()).append('}');
        return sb.toString();
    }

    private static void field(StringBuilder sb, SeedRow row, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            sb.append("null");
        } else if (row.nonStringFields().contains(name)) {
            sb.append(value);
        } else {
            PythonJsonWriter.appendString(sb, value, true);
        }
        sb.append(',');
    }
}
