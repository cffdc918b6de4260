package dev.ferry.cluster;

/**
 * A broker group of the cluster has no master online (down, or its slave alone is left): what needs its
 * master waits for it; the cluster itself answers.
 */
public final class MasterDown extends IllegalStateException {
    MasterDown(String message) {
        super(message);
    }
}
