package dev.ferry.client;

/**
 * What {@link ProcessedMessages#claim(String)} found for a key, and therefore what the caller must do.
 */
public enum Claim {

    /**
     * Nobody processed the key yet and the caller now holds it: process the message, then call
     * {@link ProcessedMessages#done(String)} on success or {@link ProcessedMessages#release(String)} on failure.
     * Until then every other claim of the key answers {@link #BUSY}.
     */
    NEW,

    /** The key was processed successfully before: drop the message, it is a duplicate. */
    DONE,

    /**
     * Someone else holds the key right now, and may still fail and release it: neither process nor drop the
     * message, but try again later.
     */
    BUSY
}
