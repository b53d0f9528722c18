package dev.cronsentinel.ingest;

import static dev.cronsentinel.ingest.PodTemplateExtractor.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Rebuilds the partial object a JSON Patch (RFC 6902) writes, so the pod template extractor reads it, when the
 * event has no stored object to score (level {@code Request}). The patch is applied, op by op and in order, to
 * an empty object standing in for the unknown original: {@code add}, {@code replace}, {@code remove},
 * {@code move}, {@code copy} and {@code test}, the root path {@code ""} included. So
 * {@code {"op":"add","path":"/spec/template/spec/hostNetwork","value":true}} becomes
 * {@code {"spec":{"template":{"spec":{"hostNetwork":true}}}}}, a value removed later is gone, a {@code move}
 * or {@code copy} writes what its source held, and a {@code replace} at {@code ""} puts a whole object.
 *
 * <p>What cannot be rebuilt is said, never skipped in silence: each of these leaves a note (reason, detail),
 * which the decoder raises as an undecodable finding next to the event.
 * <ul>
 *   <li>{@value #UNKNOWN_SOURCE}: a {@code move} or {@code copy} whose source lies in the original object,
 *       which the event does not carry: the value written is unknown;</li>
 *   <li>{@value #OVER_BUDGET}: an op that would overdraw the growth budget or whose pointer is deeper than
 *       {@link #MAX_POINTER_SEGMENTS}; it is not applied.</li>
 * </ul>
 *
 * <p>The rebuilt tree must stay about as small as the patch. Without a bound, thousands of ops in one 1 MiB
 * event that each name index 9999 of a new array (padded with nulls to reach it), a new chain of objects, or
 * a {@code copy} of a large subtree again and again would build gigabytes. So every node the rebuild creates
 * that the patch did not carry (padding slots, intermediate containers, copied nodes) is drawn from one budget
 * per patch, {@link #MAX_GROWTH}. Real patches need a few dozen nodes (the deepest scored field is 11 segments
 * down), and the API server rejects an {@code add} beyond the end of an array anyway.
 */
final class JsonPatchRebuild {
    /** Nodes the rebuild of one JSON Patch may create beyond what the patch carries (padding, parents, copies). */
    static final int MAX_GROWTH = 4096;

    /** Deepest JSON Pointer of an op that is applied; the deepest scored field has 11 segments. */
    static final int MAX_POINTER_SEGMENTS = 64;

    static final String UNKNOWN_SOURCE = "json-patch-unknown-source";
    static final String OVER_BUDGET = "json-patch-over-budget";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_INDEX = 10_000;

    private final List<String[]> notes;
    private JsonNode root = NODES.objectNode();
    private int growthLeft = MAX_GROWTH;
    private boolean unknownSourceNoted;
    private boolean overBudgetNoted;

    private JsonPatchRebuild(List<String[]> notes) {
        this.notes = notes;
    }

    /**
     * The partial object {@code ops} write; what could not be rebuilt is added to {@code notes}. An op that is
     * not an object, has no {@code op} or {@code path}, or names an op RFC 6902 does not define, is refused as
     * the API server refuses it: {@link BadEventException} {@code wrong-type}.
     */
    static JsonNode rebuild(ArrayNode ops, List<String[]> notes) throws BadEventException {
        JsonPatchRebuild r = new JsonPatchRebuild(notes);
        for (int i = 0; i < ops.size(); i++) {
            r.apply(ops.get(i), "requestObject[" + i + "]");
        }
        return r.root;
    }

    private void apply(JsonNode op, String where) throws BadEventException {
        if (op == null || !op.isObject()) {
            throw BadEventException.wrongType(where, "a JSON Patch operation object");
        }
        String kind = text(op, "op", where + ".op");
        String path = text(op, "path", where + ".path");
        if (kind == null || path == null) {
            throw new BadEventException("wrong-type", where + " has no op or no path");
        }
        switch (kind) {
            case "test":
                return; // checks, writes nothing
            case "remove":
                remove(path, where);
                return;
            case "add":
            case "replace": {
                JsonNode value = op.get("value");
                if (value == null) {
                    throw new BadEventException("wrong-type", where + " (" + kind + ") has no value");
                }
                put(path, value.deepCopy(), kind.equals("add"), where);
                return;
            }
            case "move":
            case "copy": {
                String from = text(op, "from", where + ".from");
                if (from == null) {
                    throw new BadEventException("wrong-type", where + " (" + kind + ") has no from");
                }
                String[] fromSegs = segments(from, where);
                if (fromSegs == null) {
                    return;
                }
                JsonNode value = get(fromSegs);
                if (value == null) {
                    noteUnknownSource(kind, from, path);
                    return;
                }
                if (kind.equals("copy")) {
                    int size = size(value, growthLeft + 1);
                    if (size > growthLeft) {
                        noteOverBudget(where + " copies more than the rebuild may build");
                        return;
                    }
                    growthLeft -= size;
                    value = value.deepCopy();
                } else {
                    remove(from, where);
                }
                put(path, value, true, where);
                return;
            }
            default:
                throw new BadEventException("wrong-type", where + ".op '" + AuditEventParser.bounded(kind) + "' is no JSON Patch op");
        }
    }

    /** The pointer's unescaped segments ({@code ""} is the root: none), or null when it is refused with a note. */
    private String[] segments(String pointer, String where) throws BadEventException {
        if (pointer.isEmpty()) {
            return new String[0];
        }
        if (pointer.charAt(0) != '/') {
            throw new BadEventException("wrong-type", where + " has a path that is no JSON Pointer: '" + AuditEventParser.bounded(pointer) + "'");
        }
        String[] segs = pointer.substring(1).split("/", MAX_POINTER_SEGMENTS + 1);
        if (segs.length > MAX_POINTER_SEGMENTS) {
            noteOverBudget(where + " has a pointer deeper than " + MAX_POINTER_SEGMENTS + " segments");
            return null;
        }
        for (int i = 0; i < segs.length; i++) {
            segs[i] = segs[i].replace("~1", "/").replace("~0", "~");
        }
        return segs;
    }

    private JsonNode get(String[] segs) {
        JsonNode node = root;
        for (String seg : segs) {
            if (node == null) {
                return null;
            }
            if (node.isObject()) {
                node = node.get(seg);
            } else if (node.isArray()) {
                int idx = index(seg);
                node = idx >= 0 && idx < node.size() ? node.get(idx) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    private void remove(String path, String where) throws BadEventException {
        String[] segs = segments(path, where);
        if (segs == null) {
            return;
        }
        if (segs.length == 0) {
            root = NODES.objectNode();
            return;
        }
        JsonNode parent = get(java.util.Arrays.copyOf(segs, segs.length - 1));
        String last = segs[segs.length - 1];
        if (parent instanceof ObjectNode) {
            ((ObjectNode) parent).remove(last);
        } else if (parent instanceof ArrayNode) {
            int idx = index(last);
            if (idx >= 0 && idx < parent.size()) {
                ((ArrayNode) parent).remove(idx);
            }
        }
        // Absent from the rebuilt tree: it was in the original object, which is not scored.
    }

    /** Writes {@code value} at {@code path}, creating what is missing on the way, within the growth budget. */
    private void put(String path, JsonNode value, boolean insert, String where) throws BadEventException {
        String[] segs = segments(path, where);
        if (segs == null) {
            return;
        }
        if (segs.length == 0) {
            root = value; // a whole new document
            return;
        }
        int growth = growthNeeded(segs);
        if (growth > growthLeft) {
            noteOverBudget(where + " needs " + growth + " new nodes, " + growthLeft + " are left");
            return;
        }
        growthLeft -= growth;
        if (!root.isContainerNode()) {
            root = NODES.objectNode();
        }
        JsonNode node = root;
        for (int i = 0; i < segs.length; i++) {
            String seg = segs[i];
            boolean last = i == segs.length - 1;
            boolean nextIsIndex = !last && isArraySlot(segs[i + 1]);
            if (node.isObject()) {
                ObjectNode obj = (ObjectNode) node;
                if (last) {
                    obj.set(seg, value);
                    return;
                }
                JsonNode child = obj.get(seg);
                if (child == null || !child.isContainerNode()) {
                    child = nextIsIndex ? obj.putArray(seg) : obj.putObject(seg);
                }
                node = child;
            } else {
                ArrayNode arr = (ArrayNode) node;
                int idx = seg.equals("-") ? arr.size() : index(seg);
                if (idx < 0) {
                    noteOverBudget(where + " names array index '" + AuditEventParser.bounded(seg) + "'");
                    return;
                }
                while (arr.size() < idx) {
                    arr.addNull();
                }
                if (last) {
                    if (insert || idx >= arr.size()) {
                        arr.insert(idx, value);
                    } else {
                        arr.set(idx, value);
                    }
                    return;
                }
                if (idx == arr.size()) {
                    arr.addNull();
                }
                JsonNode child = arr.get(idx);
                if (child == null || !child.isContainerNode()) {
                    child = nextIsIndex ? NODES.arrayNode() : NODES.objectNode();
                    arr.set(idx, child);
                }
                node = child;
            }
        }
    }

    /**
     * How many nodes {@link #put} would create for this pointer: intermediate containers that do not exist
     * yet, and null slots that pad an array up to the named index. Walks the existing tree read-only; an
     * index past {@link #MAX_INDEX} counts as over any budget.
     */
    private int growthNeeded(String[] segs) {
        int created = 0;
        JsonNode node = root.isContainerNode() ? root : null;
        for (int i = 0; i < segs.length; i++) {
            boolean last = i == segs.length - 1;
            String seg = segs[i];
            JsonNode child;
            if (node == null) {
                // Below a container created by this op: it starts empty.
                if (isIndex(seg)) {
                    int idx = index(seg);
                    created += idx < 0 ? MAX_GROWTH + 1 : idx;
                }
                child = null;
            } else if (node.isObject()) {
                child = node.get(seg);
            } else if (node.isArray()) {
                int idx = seg.equals("-") ? node.size() : index(seg);
                if (idx < 0) {
                    return created;
                }
                created += Math.max(0, idx - node.size());
                child = idx < node.size() ? node.get(idx) : null;
            } else {
                return created;
            }
            if (!last && (child == null || !child.isContainerNode())) {
                created++;
                child = null;
            }
            node = child;
        }
        return created;
    }

    /** The number of nodes of {@code value}, counted up to {@code limit} (then {@code limit} is returned). */
    private static int size(JsonNode value, int limit) {
        int n = 0;
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(value);
        while (!todo.isEmpty() && n < limit) {
            JsonNode v = todo.pop();
            n++;
            for (JsonNode child : v) {
                todo.push(child);
            }
        }
        return Math.min(n, limit);
    }

    private void noteUnknownSource(String kind, String from, String path) {
        if (!unknownSourceNoted) {
            unknownSourceNoted = true;
            notes.add(new String[] {UNKNOWN_SOURCE, "a JSON Patch " + kind + " writes " + AuditEventParser.bounded(path)
                    + " from " + AuditEventParser.bounded(from) + ", which is in the original object; the value written is unknown"});
        }
    }

    private void noteOverBudget(String detail) {
        if (!overBudgetNoted) {
            overBudgetNoted = true;
            notes.add(new String[] {OVER_BUDGET, "JSON Patch op not rebuilt: " + detail});
        }
    }

    /** The index an array segment names, or -1 when it names none the rebuild will create. */
    private static int index(String seg) {
        if (!isIndex(seg)) {
            return -1;
        }
        int idx = Integer.parseInt(seg);
        return idx > MAX_INDEX ? -1 : idx;
    }

    private static boolean isArraySlot(String seg) {
        return seg.equals("-") || isIndex(seg);
    }

    private static boolean isIndex(String s) {
        if (s.isEmpty() || s.length() > 6) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
