package dev.cronsentinel.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PythonText} against the running python3. */
class PythonTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void isSpaceIsExactlyPythonsStrIsspaceOverAllCodePoints() {
        List<String> python = PythonProcess.script(
                "import sys\nprint(','.join(str(c) for c in range(0x110000) if chr(c).isspace()))", "");
        List<Integer> expected = new ArrayList<>();
        for (String s : python.get(0).split(",")) {
            expected.add(Integer.parseInt(s));
        }
        List<Integer> actual = new ArrayList<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (PythonText.isSpace(cp)) {
                actual.add(cp);
            }
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void stripIsPythonsStrip() throws Exception {
        String[] inputs = {"", " ", "\u00a0x\u00a0", "\u0085\u2028{}\u2029\u3000", "\u200bx\u200b", "\ufeffx",
            "\u000b\u000c\u001c\u001d\u001e\u001f x \t\r\n", "a b", "\u1680\u180ex", "x\u2007\u202f\u205f"};
        StringBuilder stdin = new StringBuilder();
        for (String s : inputs) {
            stdin.append(JSON.writeValueAsString(s)).append('\n');
        }
        List<String> python = PythonProcess.script(
                "import sys, json\nfor l in sys.stdin: print(json.dumps(json.loads(l).strip()))", stdin.toString());
        assertThat(python).hasSize(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            assertThat(PythonText.strip(inputs[i])).as("strip of input %d", i)
                    .isEqualTo(JSON.readValue(python.get(i), String.class));
        }
    }

    @Test
    void utf8DecodingIsAsStrictAsPythons() throws Exception {
        String[] hex = {"c0af", "e0808f", "eda080", "edbfbf", "f4908080", "f8888080", "ff", "e282", "c2",
            "80", "efbbbf7b7d", "c2a0", "f09f9880", "e282ac", "7b227822", "00", "f0908d88", "eeb880"};
        StringBuilder stdin = new StringBuilder();
        for (String h : hex) {
            stdin.append(h).append('\n');
        }
        List<String> python = PythonProcess.script(String.join("\n",
                "import sys, json",
                "for l in sys.stdin:",
                "    try: print(json.dumps(bytes.fromhex(l.strip()).decode('utf-8')))",
                "    except UnicodeDecodeError: print('ERROR')"), stdin.toString());
        assertThat(python).hasSize(hex.length);
        for (int i = 0; i < hex.length; i++) {
            byte[] bytes = HexFormat.of().parseHex(hex[i]);
            if (python.get(i).equals("ERROR")) {
                assertThatThrownBy(() -> PythonText.decodeUtf8(bytes, 0, bytes.length)).as(hex[i])
                        .isInstanceOfSatisfying(SkippedInputException.class,
                                e -> assertThat(e.reason()).isEqualTo(SkippedInputException.INVALID_UTF8));
            } else {
                assertThat(PythonText.decodeUtf8(bytes, 0, bytes.length)).as(hex[i])
                        .isEqualTo(JSON.readValue(python.get(i), String.class));
            }
        }
    }
}
