package dev.cronsentinel.score;

/**
 * POSIX shell quote removal, for matching command lines the way the shell will read them: {@code b""ash},
 * {@code b'a'sh}, {@code b\ash} and {@code $'\x62ash'} are all {@code bash} to {@code sh -c}, so they must be to
 * the rules too. Pure and linear: one pass, the result never longer than the input.
 *
 * <p>What it does, outside quotes: {@code \c} becomes {@code c} and a backslash-newline disappears;
 * {@code '...'} keeps its content literally; {@code "..."} keeps its content, where {@code \} escapes only
 * {@code $ ` " \} and newline; {@code $'...'} (bash, zsh, ksh) decodes {@code \xHH}, octal {@code \NNN},
 * {@code \n \t \r \e \a \b \f \v \\ \' \"}; {@code $"..."} is read like {@code "..."}. An unterminated quote runs
 * to the end of the text. Expansions ({@code $VAR}, {@code $(...)}) are left as they are: the env expansion
 * before this step resolved what can be resolved.
 */
public final class ShellText {
    private ShellText() {}

    /** The text after quote removal, or the text itself when it has no quote or backslash. */
    public static String unquote(String text) {
        if (text.indexOf('\'') < 0 && text.indexOf('"') < 0 && text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 < n) {
                    if (text.charAt(i + 1) != '\n') {
                        out.append(text.charAt(i + 1));
                    }
                    i += 2;
                } else {
                    i++;
                }
            } else if (c == '\'') {
                int end = text.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                out.append(text, i + 1, end);
                i = end + 1;
            } else if (c == '$' && i + 1 < n && text.charAt(i + 1) == '\'') {
                i = ansiC(text, i + 2, out);
            } else if (c == '$' && i + 1 < n && text.charAt(i + 1) == '"') {
                i = doubleQuoted(text, i + 2, out);
            } else if (c == '"') {
                i = doubleQuoted(text, i + 1, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Appends the content of a {@code "..."} string starting at {@code i}; returns the index after it. */
    private static int doubleQuoted(String text, int i, StringBuilder out) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char next = text.charAt(i + 1);
                if (next == '$' || next == '`' || next == '"' || next == '\\') {
                    out.append(next);
                    i += 2;
                    continue;
                }
                if (next == '\n') {
                    i += 2;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return n;
    }

    /** Appends the decoded content of a {@code $'...'} string starting at {@code i}; returns the index after it. */
    private static int ansiC(String text, int i, StringBuilder out) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'') {
                return i + 1;
            }
            if (c != '\\' || i + 1 >= n) {
                out.append(c);
                i++;
                continue;
            }
            char e = text.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'e', 'E' -> out.append('\u001b');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case 'x' -> {
                    int end = i;
                    while (end < n && end < i + 2 && Character.digit(text.charAt(end), 16) >= 0) {
                        end++;
                    }
                    if (end == i) {
                        out.append("\\x");
                    } else {
                        out.append((char) Integer.parseInt(text.substring(i, end), 16));
                    }
                    i = end;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < n && end < i + 2 && text.charAt(end) >= '0' && text.charAt(end) <= '7') {
                            end++;
                        }
                        out.append((char) (Integer.parseInt(text.substring(i - 1, end), 8) & 0xff));
                        i = end;
                    } else {
                        out.append(e); // \\, \', \", and any other escaped character stands for itself
                    }
                }
            }
        }
        return n;
    }
}
