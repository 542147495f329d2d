package io.aot.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The report's charts, drawn with Java2D (headless AWT, in every JDK: no charting library, no browser needed to
 * make them). Bars vertical or horizontal, and a heatmap; white background, one accent colour, labelled axes.
 */
final class Charts {

    private static final Color ACCENT = new Color(0x1f, 0x6f, 0xb5);
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    /** Vertical bars, one per label (e.g. hours). */
    static BufferedImage columns(String title, List<String> labels, double[] values, String unit) {
        int width = 900;
        int height = 360;
        BufferedImage image = canvas(width, height, title);
        Graphics2D g = image.createGraphics();
        smooth(g);
        int left = 80;
        int right = 20;
        int top = 50;
        int bottom = 40;
        double max = max(values);
        axis(g, left, top, width - right, height - bottom, max, unit);
        int n = Math.max(1, values.length);
        double slot = (width - left - right) / (double) n;
        g.setFont(LABEL);
        for (int i = 0; i < values.length; i++) {
            int h = (int) Math.round((height - top - bottom) * (max == 0 ? 0 : values[i] / max));
            int x = (int) Math.round(left + i * slot + slot * 0.15);
            g.setColor(ACCENT);
            g.fillRect(x, height - bottom - h, (int) Math.max(1, slot * 0.7), h);
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels.get(i), x, height - bottom + 15);
        }
        g.dispose();
        return image;
    }

    /** Horizontal bars, largest first as given (e.g. methods, merchants). */
    static BufferedImage bars(String title, List<String> labels, double[] values, String unit) {
        int width = 900;
        int rowHeight = 26;
        int height = 70 + Math.max(1, values.length) * rowHeight;
        BufferedImage image = canvas(width, height, title);
        Graphics2D g = image.createGraphics();
        smooth(g);
        int left = 260;
        int right = 170;
        double max = max(values);
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < values.length; i++) {
            int y = 50 + i * rowHeight;
            int w = (int) Math.round((width - left - right) * (max == 0 ? 0 : values[i] / max));
            g.setColor(Color.DARK_GRAY);
            String label = labels.get(i);
            g.drawString(label, left - 10 - fm.stringWidth(label), y + 16);
            g.setColor(ACCENT);
            g.fillRect(left, y + 4, Math.max(1, w), rowHeight - 8);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%,.0f %s", values[i], unit), left + w + 8, y + 16);
        }
        g.dispose();
        return image;
    }

    /** Rows x columns, cell shade by value (white = 0, accent = the largest); values written in the cells. */
    static BufferedImage heatmap(String title, List<String> rows, List<String> columns, double[][] values,
            String unit) {
        int left = 170;
        int top = 110;
        int cellWidth = 62;
        int cellHeight = 24;
        int width = Math.max(700, left + columns.size() * cellWidth + 20); // room for the title
        int height = top + Math.max(1, rows.size()) * cellHeight + 40;
        BufferedImage image = canvas(width, height, title + " (" + unit + ")");
        Graphics2D g = image.createGraphics();
        smooth(g);
        double max = 0;
        for (double[] row : values) {
            max = Math.max(max, max(row));
        }
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (int c = 0; c < columns.size(); c++) {
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.translate(left + c * cellWidth + cellWidth / 2, top - 6);
            rotated.rotate(-Math.PI / 4);
            rotated.setColor(Color.DARK_GRAY);
            rotated.drawString(columns.get(c), 0, 0);
            rotated.dispose();
        }
        for (int r = 0; r < rows.size(); r++) {
            int y = top + r * cellHeight;
            g.setColor(Color.DARK_GRAY);
            g.drawString(rows.get(r), left - 8 - fm.stringWidth(rows.get(r)), y + 16);
            for (int c = 0; c < columns.size(); c++) {
                double v = values[r][c];
                double shade = max == 0 ? 0 : v / max;
                g.setColor(blend(shade));
                g.fillRect(left + c * cellWidth, y, cellWidth - 1, cellHeight - 1);
                if (v > 0) {
                    g.setColor(shade > 0.55 ? Color.WHITE : Color.DARK_GRAY);
                    String text = compact(v);
                    g.drawString(text, left + c * cellWidth + (cellWidth - fm.stringWidth(text)) / 2, y + 16);
                }
            }
        }
        g.dispose();
        return image;
    }

    static String compact(double v) {
        if (v >= 1e9) {
            return String.format("%.1fB", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format("%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format("%.0fk", v / 1e3);
        }
        return String.format("%.0f", v);
    }

    private static Color blend(double t) {
        t = Math.max(0, Math.min(1, t));
        return new Color((int) (255 + (ACCENT.getRed() - 255) * t), (int) (255 + (ACCENT.getGreen() - 255) * t),
                (int) (255 + (ACCENT.getBlue() - 255) * t));
    }

    private static BufferedImage canvas(int width, int height, String title) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        smooth(g);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, 16, 28);
        g.dispose();
        return image;
    }

    private static void axis(Graphics2D g, int x0, int y0, int x1, int y1, double max, String unit) {
        g.setFont(LABEL);
        for (int i = 0; i <= 4; i++) {
            int y = y1 - (y1 - y0) * i / 4;
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1));
            g.drawLine(x0, y, x1, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(compact(max * i / 4) + (i == 4 ? " " + unit : ""), 8, y + 4);
        }
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    private static void smooth(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }
}
