package dev.caravan.lab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Renders lab results as one self-contained HTML page: every table, and every plot inlined as a
 * base64 PNG, so the page can be mailed or opened anywhere. Stateless.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** Writes {@code index.html} into {@code dir} (where the PNGs are) and returns its path. */
    public static Path write(Path dir, List<LabResult> results) {
        StringBuilder h = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>Caravan concurrency lab</title><style>
                body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
                table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px}
                td:not(:first-child){text-align:right}th{background:#f0f0f0}caption{font-weight:600;text-align:left;padding:4px 0}
                img{max-width:100%;border:1px solid #ddd;margin:.5em 0}pre{background:#f7f7f7;padding:.5em;overflow:auto}
                .host{color:#666}</style></head><body><h1>Caravan concurrency lab</h1>
                <p>Threads, context switches, thread-level parallelism and the classical synchronization problems, measured
                on this machine. Regenerate with <code>caravan lab report --run</code>.</p>
                """);
        h.append("<ul>");
        for (LabResult r : results) {
            h.append("<li><a href=\"#").append(esc(r.id())).append("\">").append(esc(r.title())).append("</a></li>");
        }
        h.append("</ul>");
        for (LabResult r : results) {
            h.append("<h2 id=\"").append(esc(r.id())).append("\">").append(esc(r.title())).append("</h2>");
            appendRun(h, r);
            for (Section s : r.sections()) {
                h.append("<h3>").append(esc(s.title())).append("</h3>");
                appendText(h, s.text());
                for (Table t : s.tables()) {
                    appendTable(h, t);
                }
                for (Figure f : s.figures()) {
                    h.append("<figure><img alt=\"").append(esc(f.title())).append("\" src=\"").append(dataUri(dir.resolve(f.file())))
                            .append("\"><figcaption>").append(esc(f.title()));
                    f.notes().forEach(n -> h.append("<br>").append(esc(n)));
                    h.append("</figcaption></figure>");
                }
            }
        }
        h.append("</body></html>\n");
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("index.html");
            Files.writeString(file, h);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line, every option and the machine; results from before runs were recorded show their host line. */
    private static void appendRun(StringBuilder h, LabResult r) {
        if (r.run() == null) {
            h.append("<p class=\"host\">").append(esc(r.host())).append(", started ")
                    .append(java.time.Instant.ofEpochMilli(r.startedMs())).append(" (options not recorded)</p>");
            return;
        }
        RunInfo run = r.run();
        h.append("<p class=\"host\">Run: <code>").append(esc(run.commandLine())).append("</code>, started ")
                .append(esc(run.startedAt())).append("<br>Machine: ").append(esc(run.machine().describe())).append("</p>");
    }

    private static void appendText(StringBuilder h, String text) {
        for (String para : text.split("\n\n")) {
            if (para.lines().anyMatch(l -> l.startsWith("    "))) {
                h.append("<pre>").append(esc(para.strip())).append("</pre>");
            } else {
                h.append("<p>").append(esc(para)).append("</p>");
            }
        }
    }

    private static void appendTable(StringBuilder h, Table t) {
        h.append("<table><caption>").append(esc(t.title())).append("</caption><tr>");
        t.columns().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static String dataUri(Path png) {
        try {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            // A missing plot should not lose the rest of the page; link it relatively instead.
            return png.getFileName().toString();
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
