package dev.cronsentinel.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written base64 token scan finds exactly what the regex it replaced finds. */
class Base64TokensTest {
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9+/]{16,}={0,2}");

    @Test
    void findsTheSameTokensAsTheRegex() {
        SplittableRandom random = new SplittableRandom(7);
        String alphabet = "aZ09+/=== -;|\"é";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(120);
            for (int j = 0; j < len; j++) {
                // Long runs of base64 characters are what matters: bias towards them.
                char c = random.nextInt(10) < 8 ? alphabet.charAt(random.nextInt(6)) : alphabet.charAt(random.nextInt(alphabet.length()));
                sb.append(c);
            }
            String text = sb.toString();
            assertEquals(reference(text), Scorer.base64Tokens(text), text);
        }
    }

    @Test
    void examples() {
        assertEquals(List.of("Y3VybCBodHRwOi8vZXZpbA=="), Scorer.base64Tokens("echo Y3VybCBodHRwOi8vZXZpbA=== | base64 -d"));
        assertEquals(List.of(), Scorer.base64Tokens("short abc123 and fifteenchars15"));
        assertEquals(List.of("0123456789abcdef", "ghijklmnopqrstuv"), Scorer.base64Tokens("0123456789abcdef ghijklmnopqrstuv"));
    }

    private static List<String> reference(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
