package dev.ferry.embedded;

import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.rocketmq.common.logging.DefaultJoranConfiguratorExt;
import org.apache.rocketmq.common.logging.JoranConfiguratorExt;
import org.apache.rocketmq.logging.ch.qos.logback.classic.ClassicConstants;
import org.apache.rocketmq.logging.ch.qos.logback.classic.LoggerContext;
import org.apache.rocketmq.logging.ch.qos.logback.core.joran.spi.JoranException;
import org.apache.rocketmq.logging.org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the logs of RocketMQ's servers and clients in this JVM to files under one folder.
 *
 * <p>RocketMQ logs through its own shaded logback. With the broker jar on the classpath its
 * {@code rmq.broker.logback.xml} wins the lookup and writes to {@code ${user.home}/logs/rocketmqlogs},
 * ignoring {@code rocketmq.log.root} (only the client's config honours it). An embedded cluster must not
 * write into the user's home, so unless the application chose a RocketMQ logging config itself, the
 * shaded context is reconfigured once with Ferry's config, rooted at {@code rocketmq.log.root} when set.
 */
final class RocketMqLogging {

    static final String LOG_ROOT_PROPERTY = "rocketmq.log.root";

    private static final Logger LOG = LoggerFactory.getLogger(RocketMqLogging.class);
    private static final String CONFIG_RESOURCE = "dev/ferry/embedded/rocketmq-logback.xml";
    private static final String EMPTY_CONFIG_RESOURCE = "dev/ferry/embedded/rocketmq-logback-empty.xml";
    /** Read by {@code rocketmq-logback.xml}. */
    private static final String LOG_DIR_PROPERTY = "ferry.rocketmq.log.dir";

    private static boolean routed;

    private RocketMqLogging() {
    }

    /**
     * Routes RocketMQ's logs, once per JVM. Call it before RocketMQ's servers start so that not even their
     * first lines go to the default location.
     */
    static synchronized void route() {
        if (routed) {
            return;
        }
        routed = true;
        String chosenConfig = applicationConfig();
        if (chosenConfig != null) {
            LOG.info("RocketMQ logging left as configured by {}", chosenConfig);
            return;
        }
        ILoggerFactory factory = initializeQuietly();
        if (!(factory instanceof LoggerContext context)) {
            LOG.info("RocketMQ logging left alone: its logger factory is {}", factory.getClass().getName());
            return;
        }
        Path dir = logDir();
        URL config = RocketMqLogging.class.getClassLoader().getResource(CONFIG_RESOURCE);
        if (config == null) {
            throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the classpath");
        }
        context.reset();
        context.putProperty(LOG_DIR_PROPERTY, dir.toString());
        JoranConfiguratorExt configurator = new JoranConfiguratorExt();
        configurator.setContext(context);
        try {
            configurator.doConfigure0(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure RocketMQ logging from " + config + ": " + e, e);
        }
        LOG.info("RocketMQ logs go to {}", dir);
    }

    /**
     * RocketMQ's default config uses a deprecated logback element, so loading it prints a page of logback
     * status lines to stdout. If RocketMQ's logging is not initialized yet, it starts from an empty config.
     */
    private static ILoggerFactory initializeQuietly() {
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, EMPTY_CONFIG_RESOURCE);
        try {
            return org.apache.rocketmq.logging.org.slf4j.LoggerFactory.getILoggerFactory();
        } finally {
            System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        }
    }

    /** {@code rocketmq.log.root} if set, else {@code rocketmqlogs} next to the default store folders. */
    static Path logDir() {
        String root = System.getProperty(LOG_ROOT_PROPERTY);
        return root != null && !root.isBlank()
            ? Paths.get(root).toAbsolutePath()
            : StoreDirs.defaultParent().resolve("rocketmqlogs");
    }

    /** The RocketMQ logging config the application supplied, or null when RocketMQ's defaults apply. */
    private static String applicationConfig() {
        String file = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        if (file != null) {
            return "-D" + ClassicConstants.CONFIG_FILE_PROPERTY + "=" + file;
        }
        ClassLoader loader = RocketMqLogging.class.getClassLoader();
        for (String name : new String[] {
            DefaultJoranConfiguratorExt.TEST_AUTOCONFIG_FILE, DefaultJoranConfiguratorExt.AUTOCONFIG_FILE}) {
            URL url = loader.getResource(name);
            if (url != null) {
                return url.toString();
            }
        }
        return null;
    }
}
