package dev.ferry.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.LoggerFactory;

/**
 * Initialises SLF4J before the first test class runs. Test classes run two at a time (see the parent pom), and
 * while one thread initialises logback, SLF4J hands a second thread stand-in loggers: a class that takes the
 * logback logger to record log lines would get one of those and fail. Registered for every module whose tests
 * use this test-jar, through {@code META-INF/services}.
 */
public final class LoggingFirst implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        LoggerFactory.getILoggerFactory();
    }
}
