package dev.ferry.client.testing;

import dev.ferry.client.Claim;
import dev.ferry.client.ProcessedMessages;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Passes every call on to a real store and records the answers, the way an application's own store plugs in. */
public final class RecordingStore implements ProcessedMessages {

    public final ProcessedMessages delegate;
    public final List<String> calls = new CopyOnWriteArrayList<>();

    public RecordingStore(ProcessedMessages delegate) {
        this.delegate = delegate;
    }

    @Override
    public Claim claim(String key) {
        Claim claim = delegate.claim(key);
        calls.add("claim " + key + " " + claim);
        return claim;
    }

    @Override
    public void done(String key) {
        delegate.done(key);
        calls.add("done " + key);
    }

    @Override
    public void release(String key) {
        delegate.release(key);
        calls.add("release " + key);
    }

    public long count(String prefix) {
        return calls.stream().filter(call -> call.startsWith(prefix)).count();
    }

    /** How many claims answered {@code claim}. */
    public long claims(Claim claim) {
        return calls.stream().filter(call -> call.startsWith("claim ") && call.endsWith(" " + claim)).count();
    }
}
