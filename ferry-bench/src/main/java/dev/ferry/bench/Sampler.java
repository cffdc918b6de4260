package dev.ferry.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples a counter every few milliseconds on a thread of its own, for throughput over time: the figures of
 * the chart. With each sample it reads the CPU time of the run's processes, so that a stretch of the samples
 * says what it cost as well as what it moved. A sample that throws (a cluster restarting) is skipped.
 */
final class Sampler implements AutoCloseable {

    /** {@code value} at {@code millis} after the sampler started, and the processes' CPU seconds then. */
    record Point(long millis, long value, Map<String, Double> cpu) {
        Point(long millis, long value) {
            this(millis, value, Map.of());
        }
    }

    /** How a sampler thread's name starts: its own CPU is not the producer's ({@link ProcessCpu}). */
    static final String THREAD_NAME_PREFIX = "ferry-bench-sampler-";

    private final List<Point> points = new ArrayList<>();
    private final Thread thread;
    private final long start = System.currentTimeMillis();
    private volatile boolean running = true;

    interface Counter {
        long get() throws Exception;
    }

    Sampler(String name, long everyMillis, Counter counter) {
        this(name, everyMillis, counter, Map::of);
    }

    /**
     * Takes the first sample before it returns, so that work started after it is counted from a sample that
     * saw none of it: a measured stretch is then a little long, never short.
     */
    Sampler(String name, long everyMillis, Counter counter, Supplier<Map<String, Double>> cpu) {
        sample(counter, cpu);
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
                sample(counter, cpu);
            }
        }, THREAD_NAME_PREFIX + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void sample(Counter counter, Supplier<Map<String, Double>> cpu) {
        try {
            long value = counter.get();
            Point point = new Point(System.currentTimeMillis() - start, value, cpu.get());
            synchronized (points) {
                points.add(point);
            }
        } catch (Exception skipped) {
            // the next sample will do
        }
    }

    /** The newest sample's value; -1 before the first. */
    long latest() {
        synchronized (points) {
            return points.isEmpty() ? -1 : points.get(points.size() - 1).value();
        }
    }

    List<Point> points() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    /**
     * Messages per second over consecutive windows of {@code windowMillis}: {@code [seconds, rate]} pairs,
     * each at the end of its window.
     */
    static List<double[]> rates(List<Point> points, long windowMillis) {
        List<double[]> rates = new ArrayList<>();
        Point last = null;
        for (Point point : points) {
            if (last == null) {
                last = point;
            } else if (point.millis() - last.millis() >= windowMillis) {
                double seconds = (point.millis() - last.millis()) / 1000.0;
                rates.add(new double[] {point.millis() / 1000.0, (point.value() - last.value()) / seconds});
                last = point;
            }
        }
        return rates;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
