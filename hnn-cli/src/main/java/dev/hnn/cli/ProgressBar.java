package dev.hnn.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on standard error: redrawn in place on a terminal, one line per update (at most
 * every 5%) otherwise, so logs stay readable.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private long lastShown = -1;

    ProgressBar(String label, long total) {
        this.label = label;
        this.total = Math.max(1, total);
    }

    synchronized void update(long done) {
        long step = Math.max(1, total / 20);
        if (!terminal && done != total && lastShown >= 0 && done - lastShown < step) {
            return;
        }
        lastShown = done;
        double secs = (System.nanoTime() - start) / 1e9;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d (%.0f%%, %.1f s, %.1f/s)", label, "#".repeat(filled),
                "-".repeat(WIDTH - filled), done, total, 100.0 * done / total, secs, done / Math.max(secs, 1e-9));
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
