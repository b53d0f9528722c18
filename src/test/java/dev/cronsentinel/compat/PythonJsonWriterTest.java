package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PythonJsonWriter} against Python's {@code json.dumps} and {@code repr(float)}. */
class PythonJsonWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void floatReprIsPythonsForEdgeCasesAndRandomDoubles() throws Exception {
        List<Double> doubles = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.30000000000000004, 1e16,
                1e15, 9999999999999998.0, 1e17, 123456789012345678.0, 0.0001, 0.00001, 1e-4, 9.999999999999999e-5,
                1e22, 1e23, 5e-324, 4.9e-324, Double.MIN_NORMAL, Double.MAX_VALUE, 2.0 * (1L << 52), 0.5, 100.0,
                1.5e300, 2.5e-320, Math.PI, Math.E, 1.0 / 3, 2.0 / 3, 1e21, 1e-5, 123e-7, 5e-5, 0.001));
        for (int e = -30; e <= 70; e++) {
            doubles.add(Math.pow(2, e));
            doubles.add(Math.pow(10, e));
        }
        Random random = new Random(1053007L);
        for (int i = 0; i < 20000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                doubles.add(d);
            }
            doubles.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            doubles.add((double) random.nextInt(1_000_000) / 1000);
        }
        StringBuilder stdin = new StringBuilder();
        for (double d : doubles) {
            stdin.append(Long.toHexString(Double.doubleToRawLongBits(d))).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, struct",
                "for l in sys.stdin:",
                "    print(repr(struct.unpack('>d', bytes.fromhex(l.strip().rjust(16, '0')))[0]))"), stdin.toString());
        assertThat(python).hasSize(doubles.size());
        for (int i = 0; i < doubles.size(); i++) {
            assertThat(PythonJsonWriter.floatRepr(doubles.get(i))).as("repr of %s", doubles.get(i))
                    .isEqualTo(python.get(i));
        }
    }

    @Test
    void dumpsIsPythonsDumpsCharacterForCharacter() throws Exception {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("controls", controls.toString() + "\u007f\u0080\u0085\u00a0\u2028\u2029\ufeff");
        map.put("escapes", "\"\\/&<>'");
        map.put("unicode", "zoë 😀 \u212a ſ İ");
        map.put("lone", "\ud800x\udc00");
        map.put("numbers", List.of(0L, -5L, new java.math.BigInteger("123456789012345678901234567890"), 1.0, -0.0,
                1e100, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1));
        map.put("nested", List.of(Map.of(), List.of(), Map.of("k", List.of(true, false)), "s"));
        map.put("null", null);
        map.put("", "empty key");
        String javaDump = PythonJsonWriter.dumps(map);
        // The same value, travelling to Python as ASCII JSON (lone surrogates as escapes), dumped there.
        String transport = PythonProcess.asciiJson(javaDump);
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "doc = json.loads(json.loads(sys.stdin.read()))",
                "print(json.dumps(json.dumps(doc, separators=(',', ':'), ensure_ascii=False)))"), transport);
        assertThat(javaDump).isEqualTo(JSON.readValue(python.get(0), String.class));
    }

    @Test
    void reserialisingParsedTextGivesPythonsText() throws Exception {
        String[] texts = {
            "{\"a\" : \"x\\u0026y\\/z\\u0020w\" , \"b\":[1.0E5, -0, 1e-7,NaN], \"a\": \"last\"}",
            "{\"requestObject\":{\"image\":\"\\u0061lpine\",\"cmd\":\"bash\\u00a0-i\",\"c\":\"\\u000b\\u0085\"}}",
            "{\"k\":\"\\ud83d\\ude00\\ud800\",\"m\":{\"x\":1,\"y\":{},\"x\":[{}]}}",
        };
        StringBuilder stdin = new StringBuilder();
        for (String t : texts) {
            stdin.append(JSON.writeValueAsString(t)).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "for l in sys.stdin:",
                "    print(json.dumps(json.dumps(json.loads(json.loads(l)), separators=(',', ':'),"
                        + " ensure_ascii=False)))"), stdin.toString());
        for (int i = 0; i < texts.length; i++) {
            assertThat(PythonJsonWriter.dumps(PythonJsonParser.parse(texts[i]).value()))
                    .isEqualTo(JSON.readValue(python.get(i), String.class));
        }
    }

    @Test
    void encodableDumpEscapesOnlyLoneSurrogates() {
        String s = "a\ud800b\udc00c\ud83d\ude00";
        assertThat(PythonJsonWriter.dumps(s)).isEqualTo("\"" + s + "\"");
        assertThat(PythonJsonWriter.dumpsEncodable(s)).isEqualTo("\"a\\ud800b\\udc00c\ud83d\ude00\"");
    }
}
