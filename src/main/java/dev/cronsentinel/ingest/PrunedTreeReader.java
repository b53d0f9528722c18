package dev.cronsentinel.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * read from the request, which let a patch of only {@code args} pass unscored.
 *
 * <p>Left-out subtrees are still read token by token ({@link JsonParser#skipChildren}), so malformed JSON,
 * duplicate keys ({@code STRICT_DUPLICATE_DETECTION}) and the {@code StreamReadConstraints} limits fail the
 * event exactly as a full parse does; only the nodes are not built. Recursion depth is bounded by the
 * factory's nesting limit ({@code ingest.max-depth}, at most 1000).
 */
final class PrunedTreeReader {
    /** Where in the event an object is: decides which of its fields are left out. */
    private enum Place {
        ROOT, REQUEST, RESPONSE, META, OTHER;

        Place child(String field) {
            switch (this) {
                case ROOT:
                    return "requestObject".equals(field) ? REQUEST : "responseObject".equals(field) ? RESPONSE : OTHER;
                case REQUEST:
                case RESPONSE:
                    return "metadata".equals(field) ? META : OTHER;
                default:
                    return OTHER;
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
    }

    private final JsonFactory factory;
    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    PrunedTreeReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** The event's tree; trailing tokens after the root value are malformed input, as with a full parse. */
    JsonNode read(byte[] b, int off, int len) throws IOException {
        try (JsonParser p = factory.createParser(b, off, len)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            JsonNode root = t == JsonToken.START_OBJECT ? object(p, Place.ROOT) : value(p, t);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after value");
            }
            return root;
        }
    }

    private ObjectNode object(JsonParser p, Place place) throws IOException {
        ObjectNode o = nodes.objectNode();
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && place.skips(field)) {
                p.skipChildren();
                continue;
            }
            o.set(field, t == JsonToken.START_OBJECT ? object(p, place.child(field)) : value(p, t));
        }
        return o;
    }

    private ArrayNode array(JsonParser p) throws IOException {
        ArrayNode a = nodes.arrayNode();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "Unexpected end-of-input in array");
            }
            a.add(value(p, t));
        }
        return a;
    }

    /** A value below the places that prune (inside arrays and other objects): built whole. */
    private JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                return object(p, Place.OTHER);
            case START_ARRAY:
                return array(p);
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
