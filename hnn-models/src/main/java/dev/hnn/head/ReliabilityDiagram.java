package dev.hnn.head;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws a reliability diagram (accuracy vs. confidence per bin, with the diagonal of perfect
 * calibration and a histogram of bin counts) as a PNG with Java2D, headless.
 */
public final class ReliabilityDiagram {
    private static final int W = 720;
    private static final int H = 640;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int PLOT_H = 380;
    private static final int HIST_TOP = TOP + PLOT_H + 40;
    private static final int HIST_H = 90;

    private ReliabilityDiagram() {
    }

    public static void write(Evaluation e, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int plotW = W - LEFT - RIGHT;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(String.format(Locale.ROOT, "accuracy %.2f%%   ECE %.4f   n = %d", 100 * e.accuracy(), e.ece(), e.n()),
                LEFT, 45);
        // axes: x = confidence 0.5..1, y = accuracy 0..1 (bins are over [0.5, 1])
        g.setColor(new Color(230, 230, 230));
        for (int t = 0; t <= 10; t++) {
            int y = TOP + PLOT_H - t * PLOT_H / 10;
            g.drawLine(LEFT, y, LEFT + plotW, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, PLOT_H);
        for (int t = 0; t <= 10; t += 2) {
            int y = TOP + PLOT_H - t * PLOT_H / 10;
            g.drawString(String.format(Locale.ROOT, "%.1f", t / 10.0), LEFT - 35, y + 5);
        }
        for (int b = 0; b <= Evaluation.BINS; b += 2) {
            int x = LEFT + b * plotW / Evaluation.BINS;
            g.drawString(String.format(Locale.ROOT, "%.1f", 0.5 + 0.5 * b / Evaluation.BINS), x - 10, TOP + PLOT_H + 18);
        }
        g.drawString("confidence of predicted class", LEFT + plotW / 2 - 90, HIST_TOP - 5 + 0 * 18);
        Graphics2D gr = (Graphics2D) g.create();
        gr.rotate(-Math.PI / 2);
        gr.drawString("accuracy", -(TOP + PLOT_H / 2 + 30), 25);
        gr.dispose();
        // perfect-calibration diagonal: accuracy = confidence
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 6}, 0));
        g.drawLine(LEFT, TOP + PLOT_H / 2, LEFT + plotW, TOP);
        g.setStroke(new BasicStroke(1f));
        int bw = plotW / Evaluation.BINS;
        int maxCount = 1;
        for (int c : e.binCount()) {
            maxCount = Math.max(maxCount, c);
        }
        for (int b = 0; b < Evaluation.BINS; b++) {
            int x = LEFT + b * bw;
            if (e.binCount()[b] > 0) {
                int hAcc = (int) Math.round(e.binAccuracy()[b] * PLOT_H);
                g.setColor(new Color(70, 120, 200));
                g.fillRect(x + 2, TOP + PLOT_H - hAcc, bw - 4, hAcc);
                int yConf = TOP + PLOT_H - (int) Math.round(e.binConfidence()[b] * PLOT_H);
                g.setColor(new Color(220, 60, 60));
                g.setStroke(new BasicStroke(3f));
                g.drawLine(x + 2, yConf, x + bw - 2, yConf);
                g.setStroke(new BasicStroke(1f));
            }
            int hh = (int) Math.round((double) e.binCount()[b] / maxCount * HIST_H);
            g.setColor(new Color(150, 150, 150));
            g.fillRect(x + 2, HIST_TOP + 10 + HIST_H - hh, bw - 4, hh);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(e.binCount()[b]), x + 4, HIST_TOP + 8 + HIST_H - hh);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, HIST_TOP + 10 + HIST_H, LEFT + plotW, HIST_TOP + 10 + HIST_H);
        g.drawString("examples per bin", LEFT, HIST_TOP + HIST_H + 30);
        g.setColor(new Color(70, 120, 200));
        g.fillRect(LEFT + plotW - 200, 14, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("accuracy in bin", LEFT + plotW - 180, 26);
        g.setColor(new Color(220, 60, 60));
        g.fillRect(LEFT + plotW - 200, 38, 14, 4);
        g.setColor(Color.BLACK);
        g.drawString("mean confidence in bin", LEFT + plotW - 180, 44);
        g.dispose();
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(img, "png", png.toFile());
    }
}
