/**
 * Watching a running Ferry: a {@link dev.ferry.watch.Watch} samples every link once a second into a
 * {@link dev.ferry.watch.Snapshot} (what {@code GET /status}, {@code GET /health}, the dashboard and the metrics
 * read, with the last reload's {@link dev.ferry.watch.ReloadStatus}), logs one line per change of a link's state, and {@link dev.ferry.watch.FerryMetrics} exports it all to
 * Micrometer. It only reads what links and checkpointers report; serving it over HTTP is ferry-app's.
 */
package dev.ferry.watch;
