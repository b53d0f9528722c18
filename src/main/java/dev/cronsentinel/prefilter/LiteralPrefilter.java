package dev.cronsentinel.prefilter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A necessary condition for an RE2 pattern to find a match, read off the pattern's text: a set of literal
 * strings of which at least one occurs in every text the pattern matches in. {@link #mightMatch} checks it
 * with {@link String#contains}, which is far cheaper than RE2J's NFA; when it answers false the pattern cannot
 * match and is not run. Most command lines contain none of a rule's literals ({@code curl}, {@code base64},
 * {@code /dev/}, ...), so most rules are skipped (the same idea as RE2's own prefilter, which RE2J lacks).
 *
 * <p>Conservative by construction. The result only ever widens: a concatenation keeps the best required
 * piece, an alternation needs a requirement in every branch, an optional or starred part requires nothing.
 * Syntax it does not model exactly ({@code (?i)} and other case folding, {@code \Q...\E}, {@code \p{..}},
 * {@code \x..}, octal escapes, POSIX classes) gives {@link #ALWAYS}, which never skips a pattern. A pattern
 * RE2J rejects never gets here: rules are compiled and validated first.
 */
public final class LiteralPrefilter {
    /** The prefilter that knows nothing: the pattern always runs. */
    public static final LiteralPrefilter ALWAYS = new LiteralPrefilter(List.of());

    /** Largest set of alternatives kept as an exact set; past it, the pieces are required separately. */
    private static final int MAX_SET = 64;
    /** Largest character class treated as a set of one-character literals. */
    private static final int MAX_CLASS = 16;

    private final List<String> literals;

    private LiteralPrefilter(List<String> literals) {
        this.literals = literals;
    }

    /** The prefilter of an RE2 pattern; {@link #ALWAYS} when nothing useful (or certain) can be said. */
    public static LiteralPrefilter of(String pattern) {
        try {
            Parser p = new Parser(pattern);
            Info info = p.alternation();
            if (p.pos != pattern.length()) {
                return ALWAYS;
            }
            Set<String> best = best(info);
            return best == null ? ALWAYS : new LiteralPrefilter(minimal(best));
        } catch (Unsupported e) {
            return ALWAYS;
        }
    }

    /** False only when the pattern cannot match {@code text}. */
    public boolean mightMatch(String text) {
        if (literals.isEmpty()) {
            return true;
        }
        for (String l : literals) {
            if (text.contains(l)) {
                return true;
            }
        }
        return false;
    }

    /** The required literals (one of them must occur); empty for {@link #ALWAYS}. */
    public List<String> literals() {
        return literals;
    }

    @Override
    public String toString() {
        return literals.isEmpty() ? "always" : "any of " + literals;
    }

    /** Drops literals that contain another one of the set: where the longer occurs, so does the shorter. */
    private static List<String> minimal(Set<String> set) {
        List<String> out = new ArrayList<>();
        for (String s : set) {
            boolean redundant = false;
            for (String o : set) {
                if (!o.equals(s) && s.contains(o)) {
                    redundant = true;
                    break;
                }
            }
            if (!redundant) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /**
     * What is known about the strings a sub-pattern matches: {@code exact} is every string it can match (null
     * when unknown or too many), {@code any} a set of which every match contains one (null when unknown).
     */
    private record Info(Set<String> exact, Set<String> any) {
        static final Info UNKNOWN = new Info(null, null);
        static final Info EMPTY_WIDTH = new Info(Set.of(""), null);
    }

    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** The better of the usable requirements: longest shortest literal, then fewest alternatives. */
    private static Set<String> best(Info i) {
        List<Set<String>> c = new ArrayList<>(2);
        if (i.exact() != null) {
            c.add(i.exact());
        }
        if (i.any() != null) {
            c.add(i.any());
        }
        return bestOf(c);
    }

    private static Set<String> bestOf(Collection<Set<String>> candidates) {
        Set<String> best = null;
        int bestMin = 0;
        for (Set<String> s : candidates) {
            int min = minLength(s);
            if (min == 0) {
                continue;
            }
            if (best == null || min > bestMin || (min == bestMin && s.size() < best.size())) {
                best = s;
                bestMin = min;
            }
        }
        return best;
    }

    private static int minLength(Set<String> s) {
        if (s.isEmpty()) {
            return 0;
        }
        int min = Integer.MAX_VALUE;
        for (String x : s) {
            min = Math.min(min, x.length());
        }
        return min;
    }

    /** Recursive descent over the RE2 syntax subset the rule files use. */
    private static final class Parser {
        private final String p;
        int pos;

        Parser(String pattern) {
            this.p = pattern;
        }

        Info alternation() throws Unsupported {
            List<Info> branches = new ArrayList<>();
            branches.add(concatenation());
            while (pos < p.length() && p.charAt(pos) == '|') {
                pos++;
                branches.add(concatenation());
            }
            if (branches.size() == 1) {
                return branches.get(0);
            }
            Set<String> exact = new LinkedHashSet<>();
            Set<String> any = new LinkedHashSet<>();
            for (Info b : branches) {
                if (exact != null) {
                    if (b.exact() == null) {
                        exact = null;
                    } else {
                        exact.addAll(b.exact());
                        if (exact.size() > MAX_SET) {
                            exact = null;
                        }
                    }
                }
                if (any != null) {
                    Set<String> req = best(b);
                    if (req == null) {
                        any = null;
                    } else {
                        any.addAll(req);
                    }
                }
            }
            return new Info(exact, any);
        }

        private Info concatenation() throws Unsupported {
            Set<String> current = Set.of("");
            boolean whole = true;
            List<Set<String>> required = new ArrayList<>();
            while (pos < p.length() && p.charAt(pos) != '|' && p.charAt(pos) != ')') {
                Info c = repetition();
                if (c.exact() == null) {
                    if (current != null) {
                        required.add(current);
                    }
                    if (c.any() != null) {
                        required.add(c.any());
                    }
                    current = null;
                    whole = false;
                } else if (current == null) {
                    current = c.exact();
                } else {
                    Set<String> product = product(current, c.exact());
                    if (product == null) {
                        // Too many combinations: each side is still required on its own.
                        required.add(current);
                        current = c.exact();
                        whole = false;
                    } else {
                        current = product;
                    }
                }
            }
            if (current != null) {
                required.add(current);
            }
            return new Info(whole ? current : null, bestOf(required));
        }

        private static Set<String> product(Set<String> a, Set<String> b) {
            if ((long) a.size() * b.size() > MAX_SET) {
                return null;
            }
            Set<String> out = new LinkedHashSet<>();
            for (String x : a) {
                for (String y : b) {
                    out.add(x + y);
                }
            }
            return out;
        }

        private Info repetition() throws Unsupported {
            Info atom = atom();
            while (pos < p.length()) {
                char c = p.charAt(pos);
                int min;
                int max;
                if (c == '*') {
                    min = 0;
                    max = -1;
                    pos++;
                } else if (c == '+') {
                    min = 1;
                    max = -1;
                    pos++;
                } else if (c == '?') {
                    min = 0;
                    max = 1;
                    pos++;
                } else if (c == '{') {
                    int[] range = braces();
                    if (range == null) {
                        break; // a '{' that is no repetition is a literal; the next atom reads it
                    }
                    min = range[0];
                    max = range[1];
                } else {
                    break;
                }
                if (pos < p.length() && p.charAt(pos) == '?') {
                    pos++; // non-greedy: the same strings match
                }
                atom = repeat(atom, min, max);
            }
            return atom;
        }

        private static Info repeat(Info atom, int min, int max) {
            if (min == 0) {
                if (max == 1 && atom.exact() != null) {
                    Set<String> s = new LinkedHashSet<>(atom.exact());
                    s.add("");
                    return new Info(s, null);
                }
                return Info.UNKNOWN;
            }
            if (min == 1 && max == 1) {
                return atom;
            }
            return new Info(null, best(atom));
        }

        /** Parses {n}, {n,} or {n,m} at pos; null (pos unchanged) when the brace starts no repetition. */
        private int[] braces() {
            int i = pos + 1;
            int start = i;
            while (i < p.length() && Character.isDigit(p.charAt(i))) {
                i++;
            }
            if (i == start || i >= p.length()) {
                return null;
            }
            int min = Integer.parseInt(p.substring(start, Math.min(i, start + 9)));
            int max = min;
            if (p.charAt(i) == ',') {
                i++;
                int s2 = i;
                while (i < p.length() && Character.isDigit(p.charAt(i))) {
                    i++;
                }
                max = i == s2 ? -1 : Integer.parseInt(p.substring(s2, Math.min(i, s2 + 9)));
            }
            if (i >= p.length() || p.charAt(i) != '}') {
                return null;
            }
            pos = i + 1;
            return new int[] {min, max};
        }

        private Info atom() throws Unsupported {
            int c = p.codePointAt(pos);
            switch (c) {
                case '(':
                    return group();
                case '[':
                    return charClass();
                case '.':
                    pos++;
                    return Info.UNKNOWN;
                case '^':
                case '$':
                    pos++;
                    return Info.EMPTY_WIDTH;
                case '\\':
                    return escape();
                case '*':
                case '+':
                case '?':
                    throw new Unsupported();
                default:
                    pos += Character.charCount(c);
                    return literal(c);
            }
        }

        private static Info literal(int codePoint) {
            return new Info(Set.of(new String(Character.toChars(codePoint))), null);
        }

        private Info group() throws Unsupported {
            pos++; // (
            if (pos < p.length() && p.charAt(pos) == '?') {
                pos++;
                if (pos < p.length() && (p.charAt(pos) == 'P' || p.charAt(pos) == '<')) {
                    int close = p.indexOf('>', pos);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    pos = close + 1;
                } else {
                    // Flags: (?flags) or (?flags:...). Case folding is not modelled; other flags do not change
                    // which literals a match must contain (m, s: anchors and dot; U: greediness).
                    while (pos < p.length() && p.charAt(pos) != ')' && p.charAt(pos) != ':') {
                        char f = p.charAt(pos);
                        if (f != 'm' && f != 's' && f != 'U' && f != '-') {
                            throw new Unsupported();
                        }
                        pos++;
                    }
                    if (pos >= p.length()) {
                        throw new Unsupported();
                    }
                    if (p.charAt(pos) == ')') {
                        pos++;
                        return Info.EMPTY_WIDTH;
                    }
                    pos++; // ':'
                }
            }
            Info inner = alternation();
            if (pos >= p.length() || p.charAt(pos) != ')') {
                throw new Unsupported();
            }
            pos++;
            return inner;
        }

        private Info escape() throws Unsupported {
            if (pos + 1 >= p.length()) {
                throw new Unsupported();
            }
            char e = p.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case 'b':
                case 'B':
                case 'A':
                case 'z':
                    return Info.EMPTY_WIDTH;
                case 'd':
                    return classInfo(digits());
                case 's':
                    return classInfo(spaces());
                case 'w':
                case 'W':
                case 'D':
                case 'S':
                    return Info.UNKNOWN;
                default:
                    int lit = escapedLiteral(e);
                    return literal(lit);
            }
        }

        /** The character an escape outside \d, \s, \w stands for; unsupported escapes throw. */
        private static int escapedLiteral(char e) throws Unsupported {
            switch (e) {
                case 'n':
                    return '\n';
                case 't':
                    return '\t';
                case 'r':
                    return '\r';
                case 'f':
                    return '\f';
                case 'v':
                    return 0x0B;
                case 'a':
                    return 0x07;
                default:
                    if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                        return e; // escaped punctuation is itself
                    }
                    throw new Unsupported(); // \p, \Q, \x, \C, octal, ...
            }
        }

        private Info charClass() throws Unsupported {
            pos++; // [
            boolean negated = false;
            if (pos < p.length() && p.charAt(pos) == '^') {
                negated = true;
                pos++;
            }
            Set<String> members = new LinkedHashSet<>();
            boolean tooBig = false;
            boolean first = true;
            while (true) {
                if (pos >= p.length()) {
                    throw new Unsupported();
                }
                int c = p.codePointAt(pos);
                if (c == ']' && !first) {
                    pos++;
                    break;
                }
                first = false;
                if (c == '[' && pos + 1 < p.length() && p.charAt(pos + 1) == ':') {
                    throw new Unsupported();
                }
                int lo;
                if (c == '\\') {
                    if (pos + 1 >= p.length()) {
                        throw new Unsupported();
                    }
                    char e = p.charAt(pos + 1);
                    pos += 2;
                    if (e == 'd' || e == 's') {
                        members.addAll(e == 'd' ? digits() : spaces());
                        continue;
                    }
                    if (e == 'w' || e == 'W' || e == 'D' || e == 'S') {
                        tooBig = true;
                        continue;
                    }
                    lo = escapedLiteral(e);
                } else {
                    lo = c;
                    pos += Character.charCount(c);
                }
                int hi = lo;
                if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
                    pos++;
                    int h = p.codePointAt(pos);
                    if (h == '\\') {
                        if (pos + 1 >= p.length()) {
                            throw new Unsupported();
                        }
                        char e = p.charAt(pos + 1);
                        pos += 2;
                        hi = escapedLiteral(e);
                    } else {
                        hi = h;
                        pos += Character.charCount(h);
                    }
                    if (hi < lo) {
                        throw new Unsupported();
                    }
                }
                if (hi - lo >= MAX_CLASS || tooBig) {
                    tooBig = true;
                    continue;
                }
                for (int x = lo; x <= hi; x++) {
                    members.add(new String(Character.toChars(x)));
                }
                if (members.size() > MAX_CLASS) {
                    tooBig = true;
                }
            }
            return negated || tooBig ? Info.UNKNOWN : classInfo(members);
        }

        private static Info classInfo(Set<String> members) {
            return members.size() > MAX_CLASS ? Info.UNKNOWN : new Info(members, null);
        }

        private static Set<String> digits() {
            Set<String> s = new LinkedHashSet<>();
            for (char c = '0'; c <= '9'; c++) {
                s.add(String.valueOf(c));
            }
            return s;
        }

        /** RE2's \s: [\t\n\f\r ] (no vertical tab). */
        private static Set<String> spaces() {
            return new LinkedHashSet<>(List.of("\t", "\n", "\f", "\r", " "));
        }
    }
}
