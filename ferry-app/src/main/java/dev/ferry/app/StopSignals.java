package dev.ferry.app;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a clean stop. The JVM's own handling would run shutdown hooks and exit with
 * 128+signal; a supervisor's SIGTERM is a normal stop for Ferry, so the command finishes its work and
 * returns 0 instead.
 */
final class StopSignals {

    private StopSignals() {
    }

    static CountDownLatch install() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stop.getCount() == 0) {
                    // A second signal while stopping: the operator insists.
                    Runtime.getRuntime().halt(130);
                }
                stop.countDown();
            });
        }
        return stop;
    }
}
