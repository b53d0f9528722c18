package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Reads a relevant audit event into a Jackson tree, leaving out the subtrees {@link AuditEventParser} never
 * reads: {@code metadata.managedFields} and {@code status} of {@code requestObject} and
 * {@code responseObject}. At level {@code RequestResponse} those two are most of the response's bytes.
 *
 * <p>The response's {@code spec} is built whole: it is the object as the API server stored it, and the pod
 * templates are scored from it (issue 16, row 7). An earlier version skipped it because the templates were
 * read from the request, which let a patch of only {@code args} pass unscored. Its cost, measured with
 * {@code DecodeBenchmark.decodeFilter} ({@code -f 1 -wi 2 -i 5 -w 2s -r 2s}) on a shared, loaded 2-core machine
 * (so only roughly): for relevant-only traffic ({@code mix=relevant}) throughput fell by a sixth to a half
 * between runs (the old reader's earlier note said building the response doubled the cost of a relevant
 * event); for {@code mix=realistic} by about a sixth; irrelevant events never reach this reader.
 *
 * <p>Strict where the API server writes, lenient where a client does (issue 16, row 4). The envelope (the
 * event's own fields, {@code objectRef}, {@code user}, ...) is written by the API server: a key written twice
 * there marks a forged record and fails the read ({@code Duplicate field}), and so does nesting deeper than
 * {@code maxTreeDepth}. The bodies ({@code requestObject}, {@code responseObject}, and a manifest read with
 * {@link #readBody}) hold what a client sent, which the API server's Go decoder accepts more liberally than a
 * strict Jackson parse: there the last of duplicate keys wins, as in Go, and a subtree nested deeper than
 * {@code maxTreeDepth} is skipped instead of built (no field that is scored lies deeper than 15 levels; a
 * skipped array item is kept as {@code null} so indexes stay right). The factory's own limits (token nesting,
 * string and number length, document size) still apply to every byte.
 *
 * <p>Left-out subtrees are still read token by token ({@link JsonParser#skipChildren}), so malformed JSON and
 * the {@code StreamReadConstraints} limits fail the event exactly as a full parse does; only the nodes are not
 * built. Recursion depth is bounded by {@code maxTreeDepth} ({@code ingest.max-depth}, at most 1000).
 */
final class PrunedTreeReader {
    /** Where in the event an object is: decides which of its fields are left out, and how strict it is read. */
    private enum Place {
        ROOT, ENVELOPE, REQUEST, RESPONSE, META, BODY;

        Place child(String field) {
            switch (this) {
                case ROOT:
                    return "requestObject".equals(field) ? REQUEST : "responseObject".equals(field) ? RESPONSE : ENVELOPE;
                case ENVELOPE:
                    return ENVELOPE;
                case REQUEST:
                case RESPONSE:
                    return "metadata".equals(field) ? META : BODY;
                default:
                    return BODY;
            }
        }

        /** True when the value of {@code field} (already known to be an object or array) is left out. */
        boolean skips(String field) {
            switch (this) {
                case REQUEST:
                case RESPONSE:
                    return "status".equals(field);
                case META:
                    return "managedFields".equals(field);
                default:
                    return false;
            }
        }

        /** True where the API server writes: duplicates and excess depth fail the read. */
        boolean strict() {
            return this == ROOT || this == ENVELOPE;
        }
    }

    private final JsonFactory factory;
    private final int maxTreeDepth;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    /**
     * @param factory the decoder's factory, carrying its {@code StreamReadConstraints}; it must not enable
     *     {@code STRICT_DUPLICATE_DETECTION} (this reader decides where duplicates fail)
     * @param maxTreeDepth deepest container built into the tree ({@code ingest.max-depth})
     */
    PrunedTreeReader(JsonFactory factory, int maxTreeDepth) {
        this.factory = factory;
        this.maxTreeDepth = maxTreeDepth;
    }

    /** The event's tree; trailing tokens after the root value are malformed input, as with a full parse. */
    JsonNode read(byte[] b, int off, int len) throws IOException {
        return read(b, off, len, Place.ROOT);
    }

    /** A client-written document (a {@code last-applied-configuration} manifest), read as leniently as a body. */
    JsonNode readBody(byte[] b) throws IOException {
        return read(b, 0, b.length, Place.BODY);
    }

    private JsonNode read(byte[] b, int off, int len, Place place) throws IOException {
        try (JsonParser p = factory.createParser(b, off, len)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            JsonNode root = value(p, t, place, 1);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after value");
            }
            return root;
        }
    }

    private ObjectNode object(JsonParser p, Place place, int depth) throws IOException {
        ObjectNode o = nodes.objectNode();
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (place.strict() && o.has(field)) {
                throw new JsonParseException(p, "Duplicate field '" + AuditEventParser.bounded(field) + "'");
            }
            if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && place.skips(field)) {
                p.skipChildren();
                continue;
            }
            JsonNode v = value(p, t, place.child(field), depth + 1);
            if (v != null) {
                o.set(field, v); // a duplicate in a body: the last one wins, as in the API server's decoder
            } else {
                o.remove(field);
            }
        }
        return o;
    }

    private ArrayNode array(JsonParser p, Place place, int depth) throws IOException {
        ArrayNode a = nodes.arrayNode();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "Unexpected end-of-input in array");
            }
            JsonNode v = value(p, t, place == Place.ROOT ? Place.ENVELOPE : place, depth + 1);
            a.add(v == null ? nodes.nullNode() : v);
        }
        return a;
    }

    /**
     * A value at {@code depth} (the root is 1); null for a container of a body deeper than the tree may go,
     * which is skipped unread.
     */
    private JsonNode value(JsonParser p, JsonToken t, Place place, int depth) throws IOException {
        switch (t) {
            case START_OBJECT:
            case START_ARRAY:
                if (depth > maxTreeDepth) {
                    if (place.strict()) {
                        throw new StreamConstraintsException("Document nesting depth (" + depth
                                + ") exceeds the maximum allowed (" + maxTreeDepth + ", from ingest.max-depth)");
                    }
                    p.skipChildren();
                    return null;
                }
                return t == JsonToken.START_OBJECT ? object(p, place, depth) : array(p, place, depth);
            case VALUE_STRING:
                return nodes.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return nodes.numberNode(p.getIntValue());
                    case LONG:
                        return nodes.numberNode(p.getLongValue());
                    default:
                        return nodes.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return nodes.booleanNode(true);
            case VALUE_FALSE:
                return nodes.booleanNode(false);
            case VALUE_NULL:
                return nodes.nullNode();
            default:
                throw new JsonParseException(p, "Unexpected token " + t);
        }
    }
}
