/**
 * Watching a running Ferry: a {@link dev.ferry.watch.Watch} samples every link once a second into a
 * {@link dev.ferry.watch.Snapshot} (what {@code GET /status}, {@code GET /health}, the dashboard and the metrics
 * read), logs one line per change of a link's state, and {@link dev.ferry.watch.FerryMetrics} exports it all to
 * Micrometer.
 */
package dev.ferry.watch;
