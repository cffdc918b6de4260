package dev.ferry.bench;

import java.util.List;
import java.util.Locale;

/**
 * The run as a picture, an SVG with no script and no external file: messages per second over time for each
 * way of copying (left), and how the live copies' delays fall into buckets (right).
 */
final class Chart {

    private static final int WIDTH = 960;
    private static final int HEIGHT = 360;
    private static final int PANEL = 440;
    private static final int TOP = 40;
    private static final int PLOT_HEIGHT = 260;
    private static final String[] COLOURS = {"#888888", "#d62728", "#1f77b4", "#2ca02c"};

    private Chart() {
    }

    static String svg(BenchReport report) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
            + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        throughput(svg, report);
        delays(svg, report.mainLive().delays());
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void throughput(StringBuilder svg, BenchReport report) {
        int left = 60;
        List<BenchReport.Throughput> series = List.of(report.naive(), report.ceiling(), report.ferry());
        String warm = report.rounds().size() > 1 ? report.rounds().size() + " rounds end to end" : "warm";
        String[] names = {"naive relay", "ceiling (producer into target, " + warm + ")", "Ferry catch-up (" + warm + ")"};
        double maxSeconds = 1;
        double maxRate = 1;
        for (BenchReport.Throughput t : series) {
            for (double[] p : t.rates()) {
                maxSeconds = Math.max(maxSeconds, p[0]);
                maxRate = Math.max(maxRate, p[1]);
            }
        }
        maxRate = niceCeiling(maxRate);
        axes(svg, left, "messages per second over time (s)", maxRate, String.format(Locale.ROOT, "%.0f s", maxSeconds));
        for (int i = 0; i < series.size(); i++) {
            StringBuilder points = new StringBuilder();
            for (double[] p : series.get(i).rates()) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + p[0] / maxSeconds * PANEL,
                    TOP + PLOT_HEIGHT - p[1] / maxRate * PLOT_HEIGHT));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                COLOURS[i + 1], points.toString().strip()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s: %,.0f msg/s</text>%n",
                left + 10, TOP + 14 + 16 * i, COLOURS[i + 1], names[i], series.get(i).perSecond()));
        }
    }

    private static void delays(StringBuilder svg, Delays delays) {
        int left = 540;
        long max = 1;
        for (long count : delays.bucketCounts()) {
            max = Math.max(max, count);
        }
        axes(svg, left, String.format(Locale.ROOT, "live copies per delay bucket (p50 %d ms, p99 %d ms, max %d ms)",
            delays.p50(), delays.p99(), delays.max()), max, "");
        int buckets = delays.bucketCounts().length;
        double width = (double) (PANEL - 20) / buckets;
        for (int i = 0; i < buckets; i++) {
            double height = (double) delays.bucketCounts()[i] / max * PLOT_HEIGHT;
            double x = left + 10 + i * width;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x, TOP + PLOT_HEIGHT - height, width - 4, height, COLOURS[3]));
            long upper = delays.bucketUpperMillis()[i];
            String label = upper == Long.MAX_VALUE ? ">" + delays.bucketUpperMillis()[i - 1] : "<=" + upper;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\">%s</text>%n",
                x + width / 2 - 2, TOP + PLOT_HEIGHT + 14, escape(label)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">ms</text>%n", left + PANEL - 10,
            TOP + PLOT_HEIGHT + 28));
    }

    private static void axes(StringBuilder svg, int left, String title, double maxY, String maxX) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", left, TOP - 16,
            escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left, TOP, left, TOP + PLOT_HEIGHT));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left, TOP + PLOT_HEIGHT, left + PANEL, TOP + PLOT_HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>%n", left - 4,
            TOP + 4, maxY));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", left - 4,
            TOP + PLOT_HEIGHT));
        if (!maxX.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left + PANEL,
                TOP + PLOT_HEIGHT + 14, maxX));
        }
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
