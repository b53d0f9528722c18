package dev.cronsentinel.hunt;

import dev.cronsentinel.model.Alert;
import dev.cronsentinel.model.AlertKind;
import dev.cronsentinel.model.ChainLink;
import dev.cronsentinel.model.Signal;
import dev.cronsentinel.sink.AlertJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files of {@code hunt.sh --report DIR}: {@code alerts.jsonl} (the final version of each alert id, one alert
 * document a line, as the production sinks write them), {@code summary.json} ({@link HuntSummary}) and
 * {@code report.html}, one self-contained page an analyst opens from disk: a sortable alert table with the
 * evidence of every signal, a timeline of each escalated chain (root create, then its Jobs and Pods with times
 * and actors) and per-actor context.
 *
 * <p>The page is built by plain string building rather than a template engine: it has three fixed sections and
 * no logic a template would make clearer, and every value goes through one function, {@link #html}, so the
 * escaping cannot be forgotten by a template's unescaped form or its auto-escape settings (and the job adds no
 * dependency). Every value in an alert is attacker input (names, user agents, commands), so all of it is escaped
 * for text and quoted attributes; the page's own script is static, reads only the DOM, and the page carries a
 * Content-Security-Policy that forbids every fetch and every script but that one (by its hash), so even a value
 * that escaped escaping could neither run nor phone home.
 */
public final class HuntReport {
    private HuntReport() {}

    public static void write(Path dir, HuntMain.Result result) throws IOException {
        Files.createDirectories(dir);
        StringBuilder jsonl = new StringBuilder();
        for (Alert a : result.alerts()) {
            jsonl.append(AlertJson.toJson(a)).append('\n');
        }
        Files.writeString(dir.resolve("alerts.jsonl"), jsonl, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"),
                AlertJson.newMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.summary()) + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(result), StandardCharsets.UTF_8);
    }

    private static final String SCRIPT = """
            document.querySelectorAll('table.sortable th').forEach(function (th, col) {
              th.addEventListener('click', function () {
                var body = th.closest('table').tBodies[0];
                var asc = th.getAttribute('data-dir') !== 'asc';
                th.closest('tr').querySelectorAll('th').forEach(function (o) { o.removeAttribute('data-dir'); });
                th.setAttribute('data-dir', asc ? 'asc' : 'desc');
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = a.cells[col].getAttribute('data-sort'), y = b.cells[col].getAttribute('data-sort');
                  var nx = parseFloat(x), ny = parseFloat(y);
                  var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
                  return asc ? c : -c;
                });
                rows.forEach(function (r) { body.appendChild(r); });
              });
            });
            """;

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
            th{background:#f3f3f3;cursor:pointer;white-space:nowrap}th[data-dir=asc]::after{content:" \\25B2"}th[data-dir=desc]::after{content:" \\25BC"}
            .sev-critical{background:#f8d0d0}.sev-high{background:#fde2c8}.sev-medium{background:#fff3c4}
            code{font:12px ui-monospace,monospace;word-break:break-all}ul{margin:0;padding-left:1.2em}
            ol.timeline{list-style:none;padding-left:0;border-left:3px solid #999;margin-left:.5em}
            ol.timeline li{padding:2px 0 2px 1em}.when{font:12px ui-monospace,monospace;color:#555}
            .stats td{border:none;padding:1px 12px 1px 0}
            """;

    static String html(HuntMain.Result result) {
        HuntSummary s = result.summary();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src '")
                .append(sha256(SCRIPT)).append("'\">\n")
                .append("<title>CronSentinel hunt report</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>CronSentinel hunt report</h1>\n<table class=\"stats\">");
        stat(b, "input", s.files() + " files, " + HuntProgress.bytes(s.bytes()) + ", " + s.records() + " records");
        stat(b, "alert window", (s.since() == null ? "-" : s.since()) + " .. " + (s.until() == null ? "-" : s.until()));
        stat(b, "alerts", s.alerts() + " " + s.bySeverity());
        stat(b, "by kind", String.valueOf(s.byKind()));
        stat(b, "escalated chains", String.valueOf(s.escalations().size()));
        stat(b, "dead letters", s.deadLetters() + " " + s.deadLettersByReason());
        b.append("</table>\n");

        alertTable(b, result.alerts());
        chains(b, result.alerts());
        actors(b, result.alerts());
        b.append("<script>").append(SCRIPT).append("</script>\n</body></html>\n");
        return b.toString();
    }

    private static void stat(StringBuilder b, String name, String value) {
        b.append("<tr><td>").append(html(name)).append("</td><td>").append(html(value)).append("</td></tr>");
    }

    private static void alertTable(StringBuilder b, List<Alert> alerts) {
        b.append("<h2 id=\"alerts\">Alerts</h2>\n<p>Click a column to sort.</p>\n<table class=\"sortable\" id=\"alert-table\"><thead><tr>")
                .append("<th>severity</th><th>score</th><th>kind</th><th>first seen</th><th>last seen</th><th>count</th>")
                .append("<th>actor</th><th>namespace</th><th>object</th><th>evidence (signal: path = value)</th><th>alert id</th>")
                .append("</tr></thead><tbody>\n");
        for (Alert a : alerts) {
            String sev = a.severity().toString();
            b.append("<tr class=\"sev-").append(html(sev)).append("\">");
            cell(b, Integer.toString(a.severity().ordinal()), sev);
            cell(b, Integer.toString(a.score()), Integer.toString(a.score()));
            cell(b, a.kind().name().toLowerCase(java.util.Locale.ROOT), a.kind().name().toLowerCase(java.util.Locale.ROOT));
            cell(b, Long.toString(a.firstSeen()), time(a.firstSeen()));
            cell(b, Long.toString(a.lastSeen()), time(a.lastSeen()));
            cell(b, Long.toString(a.count()), Long.toString(a.count()));
            cell(b, a.username(), a.username());
            cell(b, a.namespace(), a.namespace());
            cell(b, a.resource() + "/" + a.name(), a.verb() + " " + a.resource() + "/" + a.name());
            b.append("<td data-sort=\"").append(a.signals().size()).append("\"><ul>");
            for (Signal sig : a.signals()) {
                b.append("<li><b>").append(html(sig.id())).append("</b>");
                if (sig.rule() != null && !sig.rule().equals(sig.id())) {
                    b.append(" (").append(html(sig.rule())).append(')');
                }
                b.append(" +").append(sig.weight()).append(": <code>").append(html(sig.path())).append("</code> = <code>")
                        .append(html(sig.value())).append("</code></li>");
            }
            b.append("</ul></td>");
            cell(b, a.alertId(), a.alertId());
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private static void chains(StringBuilder b, List<Alert> alerts) {
        b.append("<h2 id=\"chains\">Escalated chains</h2>\n");
        List<Alert> escalations = alerts.stream().filter(a -> a.kind() == AlertKind.ESCALATION).toList();
        if (escalations.isEmpty()) {
            b.append("<p>No chain escalated.</p>\n");
        }
        for (Alert a : escalations) {
            b.append("<h3 class=\"chain\">").append(html(a.namespace() + "/" + a.name())).append(" <small>(")
                    .append(html(a.severity().toString())).append(", ").append(html(a.alertId())).append(")</small></h3>\n")
                    .append("<ol class=\"timeline\">\n<li><span class=\"when\">").append(html(time(a.firstSeen())))
                    .append("</span> ").append(html(a.verb() + " " + a.resource() + "/" + a.name())).append(" by <b>")
                    .append(html(a.username())).append("</b> from ").append(html(a.sourceIp())).append(" (")
                    .append(html(a.userAgent())).append(")</li>\n");
            List<ChainLink> links = new ArrayList<>(a.chain());
            links.sort(Comparator.comparingLong(ChainLink::time));
            for (ChainLink l : links) {
                b.append("<li><span class=\"when\">").append(html(time(l.time()))).append("</span> ");
                if (l.spawn()) {
                    b.append(html(l.resource().equals("pods") ? "Pod " : "Job ")).append(html(l.name()))
                            .append(" spawned by its controller");
                } else {
                    b.append(html(l.verb() + " " + l.resource() + "/" + l.name())).append(" by <b>").append(html(l.username()))
                            .append("</b>");
                }
                b.append("</li>\n");
            }
            b.append("</ol>\n");
            if (a.timeToFirstSpawnMillis() != null) {
                b.append("<p>First spawn ").append(a.timeToFirstSpawnMillis() / 1000).append(" s after the root was written.</p>\n");
            }
        }
    }

    private static void actors(StringBuilder b, List<Alert> alerts) {
        Map<String, List<Alert>> byActor = new TreeMap<>();
        for (Alert a : alerts) {
            byActor.computeIfAbsent(String.valueOf(a.username()), k -> new ArrayList<>()).add(a);
        }
        b.append("<h2 id=\"actors\">Actors</h2>\n<table class=\"sortable\" id=\"actor-table\"><thead><tr><th>actor</th>")
                .append("<th>alerts</th><th>first seen</th><th>last seen</th><th>namespaces</th><th>source IPs</th>")
                .append("<th>user agents</th><th>kinds</th><th>signals</th></tr></thead><tbody>\n");
        for (Map.Entry<String, List<Alert>> e : byActor.entrySet()) {
            List<Alert> list = e.getValue();
            long first = list.stream().mapToLong(Alert::firstSeen).min().orElse(0);
            long last = list.stream().mapToLong(Alert::lastSeen).max().orElse(0);
            Map<String, TreeSet<String>> sets = new LinkedHashMap<>();
            for (Alert a : list) {
                sets.computeIfAbsent("ns", k -> new TreeSet<>()).add(String.valueOf(a.namespace()));
                sets.computeIfAbsent("ip", k -> new TreeSet<>()).add(String.valueOf(a.sourceIp()));
                sets.computeIfAbsent("ua", k -> new TreeSet<>()).add(String.valueOf(a.userAgent()));
                sets.computeIfAbsent("kind", k -> new TreeSet<>()).add(a.kind().name().toLowerCase(java.util.Locale.ROOT));
                TreeSet<String> signals = sets.computeIfAbsent("signal", k -> new TreeSet<>());
                a.signals().forEach(sig -> signals.add(sig.id()));
            }
            b.append("<tr>");
            cell(b, e.getKey(), e.getKey());
            cell(b, Integer.toString(list.size()), Integer.toString(list.size()));
            cell(b, Long.toString(first), time(first));
            cell(b, Long.toString(last), time(last));
            for (String k : List.of("ns", "ip", "ua", "kind", "signal")) {
                TreeSet<String> set = sets.getOrDefault(k, new TreeSet<>());
                cell(b, Integer.toString(set.size()), String.join(", ", set));
            }
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private static void cell(StringBuilder b, String sortKey, String text) {
        b.append("<td data-sort=\"").append(html(sortKey)).append("\">").append(html(text)).append("</td>");
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /**
     * Escapes attacker text for HTML text and double- or single-quoted attributes. Control characters other than
     * tab and newline become U+FFFD, so a value cannot hide from the analyst what follows it.
     */
    public static String html(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static String sha256(String script) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
