package org.easycv4j.tools.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.easycv4j.core.util.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Renders a run's curves to PNG: {@code loss.png} (training loss, and validation loss when logged, by
 * iteration), {@code lr.png} (learning rate by iteration) and {@code accuracy.png} (validation {@code top*}
 * metrics, and the kNN monitor's {@code knn_top*}, by epoch, when logged). Plots without data are not written.
 */
public final class Plots {
    public static final String FOLDER = "plots";
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    private Plots() {}

    /** Accuracies in percent: a classifier's {@code top1}, ... and the kNN probe's {@code knn_top1}, .... */
    static boolean isAccuracy(String metric) {
        return metric.startsWith("top") || metric.startsWith("knn_top");
    }

    /** Renders {@code workDir/metrics.jsonl} into {@code out}; returns the files written. */
    public static List<Path> render(Path workDir, Path out, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        MetricsLog log = MetricsLog.read(workDir.resolve(MetricsLog.FILE));
        if (log.train().isEmpty() && log.val().isEmpty()) {
            throw new IOException(workDir.resolve(MetricsLog.FILE) + " holds no training or validation record");
        }
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();

        if (!log.train().isEmpty()) {
            XYChart loss = chart("Loss", "iteration", "loss", width, height);
            series(loss, "train", log.train(), t -> t.globalIter(), MetricsLog.Train::loss, false);
            List<MetricsLog.Val> valLoss = log.val().stream().filter(v -> v.metrics().containsKey("loss")).toList();
            if (!valLoss.isEmpty()) {
                series(loss, "val", valLoss, v -> v.globalIter(), v -> v.metrics().get("loss"), true);
            }
            written.add(save(loss, out.resolve("loss.png")));

            XYChart lr = chart("Learning rate", "iteration", "lr", width, height);
            series(lr, "lr", log.train(), t -> t.globalIter(), MetricsLog.Train::lr, false);
            written.add(save(lr, out.resolve("lr.png")));
        }

        TreeSet<String> accuracies = new TreeSet<>();
        log.val().forEach(v -> v.metrics().keySet().stream().filter(Plots::isAccuracy).forEach(accuracies::add));
        if (!accuracies.isEmpty()) {
            XYChart acc = chart("Validation accuracy", "epoch", "accuracy (%)", width, height);
            for (String metric : accuracies) {
                List<MetricsLog.Val> points = log.val().stream().filter(v -> v.metrics().containsKey(metric)).toList();
                series(acc, metric, points, v -> v.epoch(), v -> v.metrics().get(metric), true);
            }
            written.add(save(acc, out.resolve("accuracy.png")));
        }
        return written;
    }

    /**
     * A chart of named series of (x, y) points with markers, and of named horizontal lines across their x range
     * (baselines), written to {@code file} (a sweep's metric against its varied key).
     */
    public static Path points(String title, String xTitle, String yTitle, java.util.Map<String, double[][]> series,
            java.util.Map<String, Double> lines, Path file, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
        XYChart c = chart(title, xTitle, yTitle, width, height);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (java.util.Map.Entry<String, double[][]> e : series.entrySet()) {
            c.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
            for (double x : e.getValue()[0]) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        for (java.util.Map.Entry<String, Double> e : lines.entrySet()) {
            XYSeries line = c.addSeries(e.getKey(), new double[] {lo, hi}, new double[] {e.getValue(), e.getValue()});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        return save(c, file);
    }

    private static XYChart chart(String title, String x, String y, int width, int height) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendVisible(true);
        return c;
    }

    private static <T> void series(XYChart chart, String name, List<T> points, ToDoubleFunction<T> x,
            ToDoubleFunction<T> y, boolean markers) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = x.applyAsDouble(points.get(i));
            ys[i] = y.applyAsDouble(points.get(i));
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(markers || xs.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static Path save(XYChart chart, Path file) throws IOException {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer available for " + file);
        }
        AtomicFiles.write(file, png.toByteArray());
        return file;
    }
}
