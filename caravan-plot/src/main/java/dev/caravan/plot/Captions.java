package dev.caravan.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Draws caption lines under a rendered chart, wrapped to its width. Stateless. */
final class Captions {
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final int MARGIN = 12;

    private Captions() {
    }

    /** {@code chart} with {@code lines} under it; {@code chart} itself when there are none. */
    static BufferedImage under(BufferedImage chart, List<String> lines) {
        if (lines.isEmpty()) {
            return chart;
        }
        FontMetrics fm = chart.createGraphics().getFontMetrics(FONT);
        List<String> wrapped = new ArrayList<>();
        for (String line : lines) {
            wrap(line, fm, chart.getWidth() - 2 * MARGIN, wrapped);
        }
        int lineHeight = fm.getHeight();
        BufferedImage out = new BufferedImage(chart.getWidth(), chart.getHeight() + wrapped.size() * lineHeight + MARGIN,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(chart, 0, 0, null);
            g.setColor(new Color(60, 60, 60));
            g.setFont(FONT);
            int y = chart.getHeight() + fm.getAscent();
            for (String l : wrapped) {
                g.drawString(l, MARGIN, y);
                y += lineHeight;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void wrap(String line, FontMetrics fm, int width, List<String> out) {
        StringBuilder cur = new StringBuilder();
        for (String word : line.split(" ")) {
            if (!cur.isEmpty() && fm.stringWidth(cur + " " + word) > width) {
                out.add(cur.toString());
                cur.setLength(0);
                cur.append("    ");
            }
            if (!cur.isEmpty() && !cur.toString().isBlank()) {
                cur.append(' ');
            }
            cur.append(word);
        }
        out.add(cur.toString());
    }
}
