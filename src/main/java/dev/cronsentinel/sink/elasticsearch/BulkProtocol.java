package dev.cronsentinel.sink.elasticsearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The {@code _bulk} wire protocol, kept free of I/O so it can be tested on its own: building the NDJSON body,
 * reading the per-item results, and deciding what each result means for the sink.
 */
final class BulkProtocol {
    /** Only what the sink reads, so a large batch does not produce a large response. */
    static final String BULK_PATH =
            "/_bulk?filter_path=errors,items.*.status,items.*._id,items.*.error.type,items.*.error.reason";

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BulkProtocol() {}

    /** What the sink does with one item's result. */
    enum Disposition {
        /** Written. */
        DONE,
        /** Refused because the index already holds a newer version of the same alert: nothing to do. */
        STALE,
        /** A transient refusal (429, 5xx): send it again after a pause. */
        RETRY,
        /** A permanent refusal (mapping conflict, bad value): retrying cannot help, so it is dead-lettered. */
        REJECT
    }

    /** One entry of the response's {@code items}, in request order. */
    record ItemResult(int status, String errorType, String errorReason) {}

    /** {@code index} actions, with external versioning when the action carries a version. */
    static byte[] body(String index, List<BulkAction> actions) {
        long size = 0;
        for (BulkAction a : actions) {
            size += a.sizeInBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, size));
        try {
            for (BulkAction a : actions) {
                try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    g.writeStartObject();
                    g.writeObjectFieldStart("index");
                    g.writeStringField("_index", index);
                    g.writeStringField("_id", a.id());
                    if (a.version() != BulkAction.NO_VERSION) {
                        g.writeNumberField("version", a.version());
                        g.writeStringField("version_type", "external_gte");
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                out.write('\n');
                out.write(a.document());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The per-item results of a {@code 200} response, in request order.
     *
     * @throws IOException when the body is not a bulk response for {@code expected} actions; the sink then cannot
     *     tell which actions were written and must not guess
     */
    static List<ItemResult> parseItems(byte[] body, int expected) throws IOException {
        JsonNode root = MAPPER.readTree(body);
        JsonNode items = root == null ? null : root.get("items");
        if (items == null || !items.isArray()) {
            if (expected == 0) {
                return List.of();
            }
            throw new IOException("not a bulk response: " + snippet(body));
        }
        if (items.size() != expected) {
            throw new IOException("bulk response has " + items.size() + " items for " + expected + " actions");
        }
        List<ItemResult> out = new ArrayList<>(expected);
        for (JsonNode item : items) {
            Iterator<JsonNode> ops = item.elements();
            JsonNode op = ops.hasNext() ? ops.next() : null;
            if (op == null || !op.path("status").isInt()) {
                throw new IOException("bulk response item without a status: " + item);
            }
            JsonNode error = op.get("error");
            out.add(new ItemResult(
                    op.get("status").asInt(),
                    error == null ? null : error.path("type").asText(null),
                    error == null ? null : error.path("reason").asText(null)));
        }
        return out;
    }

    static Disposition classify(ItemResult r) {
        int s = r.status();
        if (s >= 200 && s < 300) {
            return Disposition.DONE;
        }
        if (s == 409 && "version_conflict_engine_exception".equals(r.errorType())) {
            return Disposition.STALE;
        }
        return retryableStatus(s) ? Disposition.RETRY : Disposition.REJECT;
    }

    /** Statuses that say "not now" rather than "never": overload, timeouts and server-side failures. */
    static boolean retryableStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** The start of a response body, for an error message. */
    static String snippet(byte[] body) {
        if (body == null) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 512), java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isWhitespace(c) ? ' ' : c);
        }
        return sb.toString();
    }
}
