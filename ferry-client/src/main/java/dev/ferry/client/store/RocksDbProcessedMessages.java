package dev.ferry.client.store;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processed keys in a RocksDB database, in-progress claims in memory.
 *
 * <p>Two column families hold the same facts: {@code default} maps a key to the epoch millisecond it was
 * marked done, for look-ups; {@code done-by-time} holds {@code millis (8 bytes, big-endian) + key}, so that
 * expired keys are the first ones in key order and a sweep reads only what it deletes. RocksJava cannot run a
 * compaction filter written in Java, and the TTL database reads the wall clock in native code, which tests
 * cannot move; hence the second family and a periodic sweep.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A key whose mark is older than the retention answers as unknown, swept from disk yet or not.</li>
 *   <li>{@link #done(String)} writes the mark before giving up the claim, so a claim that succeeds after the
 *   release finds the mark (RocksDB makes a finished write visible to every later read).</li>
 *   <li>Reading a key's mark and changing it happens under that key's stripe lock, both in {@link #done} and in
 *   the sweep, so a sweep never deletes a mark that {@link #done} has just renewed.</li>
 *   <li>No RocksDB handle is used after {@link #close()}: every operation holds the read side of
 *   {@code lifecycle}, close the write side. Native handles used after close would crash the JVM.</li>
 * </ul>
 */
final class RocksDbProcessedMessages implements ProcessedMessages {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbProcessedMessages.class);

    private static final byte[] BY_TIME_FAMILY = "done-by-time".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];
    /** Memtable size per column family; RocksDB's 64 MiB default suits a server, not a library. */
    private static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;
    private static final int STRIPES = 64;

    private final Path dir;
    private final long retentionMillis;
    private final Clock clock;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle doneFamily;
    private final ColumnFamilyHandle byTimeFamily;
    private final ScheduledExecutorService sweeper;

    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Set before close waits for the lifecycle lock, so that a long sweep stops early. */
    private volatile boolean closing;
    private boolean closed;

    private RocksDbProcessedMessages(Path dir, Duration retention, Clock clock, DBOptions dbOptions,
        ColumnFamilyOptions familyOptions, WriteOptions writeOptions, RocksDB db, List<ColumnFamilyHandle> families,
        Duration sweepInterval) {
        this.dir = dir;
        this.retentionMillis = retention.toMillis();
        this.clock = clock;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.writeOptions = writeOptions;
        this.db = db;
        this.doneFamily = families.get(0);
        this.byTimeFamily = families.get(1);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ferry-processed-messages-sweep");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, sweepInterval.toMillis(), sweepInterval.toMillis(),
            TimeUnit.MILLISECONDS);
    }

    static RocksDbProcessedMessages open(Path dir, Duration retention, Duration sweepInterval, boolean syncWrites,
        Clock clock) {
        Path absolute = dir.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create folder " + absolute + " for processed messages: " + e, e);
        }
        RocksDB.loadLibrary();
        DBOptions dbOptions = new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
            .setKeepLogFileNum(2)
            .setMaxLogFileSize(1024 * 1024);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions().setWriteBufferSize(WRITE_BUFFER_BYTES);
        WriteOptions writeOptions = new WriteOptions().setSync(syncWrites);
        List<ColumnFamilyDescriptor> descriptors = List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
            new ColumnFamilyDescriptor(BY_TIME_FAMILY, familyOptions));
        List<ColumnFamilyHandle> families = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(dbOptions, absolute.toString(), descriptors, families);
        } catch (RocksDBException e) {
            writeOptions.close();
            familyOptions.close();
            dbOptions.close();
            throw new IllegalStateException("cannot open processed messages in " + absolute + ": " + e.getMessage(), e);
        }
        RocksDbProcessedMessages store = new RocksDbProcessedMessages(absolute, retention, clock, dbOptions,
            familyOptions, writeOptions, db, families, sweepInterval);
        LOG.info("Processed messages in {}: retention {}, sweep every {}", absolute, retention, sweepInterval);
        return store;
    }

    @Override
    public Claim claim(String key) {
        Checks.key(key);
        lifecycle.readLock().lock();
        try {
            checkOpen();
            if (!claimed.add(key)) {
                return Claim.BUSY;
            }
            boolean done;
            try {
                done = isDone(bytes(key));
            } catch (RocksDBException | RuntimeException e) {
                claimed.remove(key);
                throw failure("read", key, e);
            }
            if (done) {
                claimed.remove(key);
                return Claim.DONE;
            }
            return Claim.NEW;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void done(String key) {
        Checks.key(key);
        byte[] keyBytes = bytes(key);
        lifecycle.readLock().lock();
        try {
            checkOpen();
            ReentrantLock stripe = stripe(keyBytes);
            stripe.lock();
            try (WriteBatch batch = new WriteBatch()) {
                byte[] previous = db.get(doneFamily, keyBytes);
                if (previous != null) {
                    batch.delete(byTimeFamily, timeKey(millis(previous), keyBytes));
                }
                long now = clock.millis();
                batch.put(doneFamily, keyBytes, millisBytes(now));
                batch.put(byTimeFamily, timeKey(now, keyBytes), EMPTY);
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failure("write", key, e);
            } finally {
                stripe.unlock();
            }
            claimed.remove(key);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void release(String key) {
        if (key != null) {
            claimed.remove(key);
        }
    }

    /**
     * Deletes the marks older than the retention from disk; returns how many. Runs every sweep interval; the
     * tests call it directly.
     */
    int sweep() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            byte[] upperBound = millisBytes(clock.millis() - retentionMillis);
            int deleted = 0;
            try (Slice upper = new Slice(upperBound);
                 ReadOptions readOptions = new ReadOptions().setIterateUpperBound(upper);
                 RocksIterator expired = db.newIterator(byTimeFamily, readOptions)) {
                for (expired.seekToFirst(); expired.isValid() && !closing; expired.next()) {
                    deleteIfUnchanged(expired.key());
                    deleted++;
                }
                expired.status();
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot sweep processed messages in " + dir + ": " + e.getMessage(), e);
            }
            return deleted;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Deletes one {@code done-by-time} entry, and the key's mark if it is still the one that entry dates: the key
     * may have been marked done again since.
     */
    private void deleteIfUnchanged(byte[] timeKey) throws RocksDBException {
        long millis = ByteBuffer.wrap(timeKey, 0, Long.BYTES).getLong();
        byte[] key = Arrays.copyOfRange(timeKey, Long.BYTES, timeKey.length);
        ReentrantLock stripe = stripe(key);
        stripe.lock();
        try (WriteBatch batch = new WriteBatch()) {
            batch.delete(byTimeFamily, timeKey);
            byte[] current = db.get(doneFamily, key);
            if (current != null && millis(current) == millis) {
                batch.delete(doneFamily, key);
            }
            db.write(writeOptions, batch);
        } finally {
            stripe.unlock();
        }
    }

    private void sweepQuietly() {
        try {
            int deleted = sweep();
            if (deleted > 0) {
                LOG.debug("Swept {} expired processed messages from {}", deleted, dir);
            }
        } catch (RuntimeException e) {
            if (!closing) {
                LOG.warn("Sweep of expired processed messages in {} failed; next try in one interval: {}", dir,
                    e.toString(), e);
            }
        }
    }

    /** Closes the database; in-progress claims are forgotten. Operations after it fail; calling it again does nothing. */
    @Override
    public void close() {
        closing = true;
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            sweeper.shutdownNow();
            claimed.clear();
            doneFamily.close();
            byTimeFamily.close();
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("Closing processed messages in {} failed: {}", dir, e.getMessage(), e);
            }
            writeOptions.close();
            familyOptions.close();
            dbOptions.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
        LOG.info("Processed messages in {} closed", dir);
    }

    @Override
    public String toString() {
        return "RocksDbProcessedMessages[" + dir + ", retention=" + Duration.ofMillis(retentionMillis) + "]";
    }

    private boolean isDone(byte[] key) throws RocksDBException {
        byte[] mark = db.get(doneFamily, key);
        return mark != null && millis(mark) >= clock.millis() - retentionMillis;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("processed messages in " + dir + " are closed");
        }
    }

    private IllegalStateException failure(String what, String key, Exception e) {
        return new IllegalStateException("cannot " + what + " processed message '" + key + "' in " + dir + ": "
            + e.getMessage(), e);
    }

    private ReentrantLock stripe(byte[] key) {
        return stripes[Math.floorMod(Arrays.hashCode(key), STRIPES)];
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] millisBytes(long millis) {
        return ByteBuffer.allocate(Long.BYTES).putLong(Math.max(0, millis)).array();
    }

    private static long millis(byte[] mark) {
        return ByteBuffer.wrap(mark).getLong();
    }

    private static byte[] timeKey(long millis, byte[] key) {
        return ByteBuffer.allocate(Long.BYTES + key.length).put(millisBytes(millis)).put(key).array();
    }
}
