package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PythonJsonParser} against Python's {@code json.loads} and the oracle's {@code top_level_raw}. */
class PythonJsonParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Texts on both sides of Python's grammar, including where Jackson alone would disagree. */
    static final String[] TEXTS = {
        "{}", "[]", "{ }", " {\"a\" : 1 } ", "\t[1,\r\n2]\n", "1", "-0", "-0.0", "1E5", "1e-7", "1.5e+300", "1e400",
        "-1e400", "NaN", "Infinity", "-Infinity", "[NaN,Infinity,-Infinity]", "-INF", "+INF", "+Infinity", "INF",
        "nan", "infinity", "+1", ".5", "1.", "01", "-", "1e", "1e+", "0x10", "truex", "[true1]", "nul", "True",
        "\"\\u0041\\u00e9\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud800\\u0041\"", "\"\\x41\"",
        "\"\\u12\"", "\"\\u12G4\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "\"a\tb\"", "\"a\u0001b\"", "\"a\u007fb\"",
        "\"\u2028\"", "\"\\'\"", "'a'", "{'a':1}", "{\"a\":1,}", "[1,]", "[,1]", "{\"a\"}", "{\"a\" 1}", "{1:2}",
        "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1}\u00a0", "\u00a0{}", "\ufeff{}", "{\"a\":1,\"a\":2,\"b\":3,\"a\":4}",
        "[1, 2, [3, {\"x\": [null, true, false]}]]", "123456789012345678901234567890", "9223372036854775808",
        "-9223372036854775809", "[1.0, 100.0, 0.1, 2.5e-320, 1.7976931348623157e308, 4.9e-324]", "/* c */ {}",
        "{\"a\":1 // c\n}", "", "   ", "{\"a\":\"\\u0000\"}", "[\"\u0000\"]", "{\"\":1,\"\\u0000\":2}",
        "7".repeat(4300), "7".repeat(4301), "-" + "7".repeat(4300), "-" + "7".repeat(4301),
        "7".repeat(4301) + ".0", "0." + "7".repeat(5000), "[" + "7".repeat(4301) + "e0]",
    };

    @Test
    void acceptsRejectsAndReadsValuesLikeJsonLoads() throws Exception {
        StringBuilder stdin = new StringBuilder();
        for (String t : TEXTS) {
            stdin.append(JSON.writeValueAsString(t)).append('\n');
        }
        // Python answers with the canonical dump of what it read (ASCII-escaped for transport), or ERROR.
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "for l in sys.stdin:",
                "    try: print(json.dumps(json.dumps(json.loads(json.loads(l)), separators=(',', ':'),"
                        + " ensure_ascii=False)))",
                "    except ValueError: print('ERROR')"), stdin.toString());
        assertThat(python).hasSize(TEXTS.length);
        for (int i = 0; i < TEXTS.length; i++) {
            String text = TEXTS[i];
            if (python.get(i).equals("ERROR")) {
                assertThatThrownBy(() -> PythonJsonParser.parse(text)).as("text %s", JSON.writeValueAsString(text))
                        .isInstanceOfSatisfying(SkippedInputException.class,
                                e -> assertThat(e.reason()).isEqualTo(SkippedInputException.NOT_JSON));
            } else {
                Object value = PythonJsonParser.parse(text).value();
                assertThat(PythonJsonWriter.dumps(value)).as("text %s", JSON.writeValueAsString(text))
                        .isEqualTo(JSON.readValue(python.get(i), String.class));
            }
        }
    }

    @Test
    void rawTextOfTopLevelMembersIsWhatTheOraclesTopLevelRawSlices() throws Exception {
        String[] objects = {
            "{\"a\" : 1 , \"b\":\"x\\u0026\\/\" ,\"c\":{\"d\":[1, 2 ]}\t,\"e\":-0 ,\"f\":[] , \"g\" :\"\"}",
            "{\"requestObject\":{\"p\":\"\\u0020privileged\"},\"requestObject\" : {\"q\" : true } }",
            "{\"r\":  NaN  ,\"s\":-Infinity,\"t\":1E5,\"u\":null,\"v\":true,\"w\":false}",
            "{\"x\":\"\u00e9\u2028\ud83d\ude00\",\"y\":\"\\ud800\",\"z\":\"\\\"\\\\\"}",
            "{ }", "{\"only\":{\"nested\":{\"deep\":[{\"k\":\"v\"}]}}}",
        };
        StringBuilder stdin = new StringBuilder();
        for (String t : objects) {
            stdin.append(JSON.writeValueAsString(t)).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "sys.path.insert(0, " + JSON.writeValueAsString(PythonProcess.ORACLE.getParent().toString()) + ")",
                "import seed_queries",
                "for l in sys.stdin:",
                "    print(json.dumps({k: raw for k, (v, raw) in seed_queries.top_level_raw(json.loads(l)).items()}))"),
                stdin.toString());
        assertThat(python).hasSize(objects.length);
        for (int i = 0; i < objects.length; i++) {
            PythonJsonParser.Document doc = PythonJsonParser.parse(objects[i]);
            JsonNode expected = JSON.readTree(python.get(i));
            assertThat(new ArrayList<Object>(((Map<?, ?>) doc.value()).keySet())).as("keys of %s", objects[i])
                    .containsExactlyElementsOf(new ArrayList<Object>(iterable(expected.fieldNames())));
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                assertThat(doc.rawText(key)).as("raw %s of %s", key, objects[i]).isEqualTo(expected.get(key).asText());
            }
        }
    }

    @Test
    void repeatedKeysKeepTheFirstPositionAndTheLastValue() throws SkippedInputException {
        PythonJsonParser.Document doc = PythonJsonParser.parse("{\"a\":1,\"b\":{\"x\":1},\"a\":[2],\"b\":3}");
        Map<?, ?> map = (Map<?, ?>) doc.value();
        assertThat(new ArrayList<Object>(map.keySet())).containsExactly("a", "b");
        assertThat(map.get("a")).isEqualTo(List.of(2L));
        assertThat(map.get("b")).isEqualTo(3L);
        assertThat(doc.rawText("a")).isEqualTo("[2]");
        assertThat(doc.rawText("missing")).isNull();
    }

    @Test
    void numbersKeepPythonsIntAndFloatDistinction() throws SkippedInputException {
        List<?> values = (List<?>) PythonJsonParser.parse("[1, 1.0, -0, 99999999999999999999, 1e2]").value();
        assertThat(values.get(0)).isEqualTo(1L);
        assertThat(values.get(1)).isEqualTo(1.0d);
        assertThat(values.get(2)).isEqualTo(0L);
        assertThat(values.get(3)).isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(values.get(4)).isEqualTo(100.0d);
    }

    /** Python raises RecursionError (the oracle dies); the parser stops with a dead-letter reason instead. */
    @Test
    void nestingBeyondTheLimitIsTooDeepAndPythonCannotReadItEither() throws Exception {
        String deep = "[".repeat(PythonJsonParser.MAX_DEPTH + 1) + "]".repeat(PythonJsonParser.MAX_DEPTH + 1);
        assertThatThrownBy(() -> PythonJsonParser.parse(deep)).isInstanceOfSatisfying(SkippedInputException.class,
                e -> assertThat(e.reason()).isEqualTo(SkippedInputException.TOO_DEEP));
        assertThat(PythonProcess.script(String.join("\n",
                "import sys, json",
                "try: json.loads(sys.stdin.read()); print('read')",
                "except RecursionError: print('RecursionError')"), deep)).containsExactly("RecursionError");
        String fine = "[".repeat(900) + "]".repeat(900);
        assertThat(PythonJsonParser.parse(fine).value()).isInstanceOf(List.class);
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
