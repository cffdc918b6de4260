package dev.ferry.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The class loader of one {@link EmbeddedProxy}. It loads itself, from its own jars, the proxy's classes
 * ({@code org.apache.rocketmq.proxy}), its gRPC messages ({@code apache.rocketmq.v2}, from rocketmq-proto's jar, not
 * the gRPC client's), fastjson2 and {@link ProxyBoot}; everything else (RocketMQ's common, remoting and client code,
 * gRPC, protobuf, netty) comes from the application, and what the application lacks (grpc-protobuf, grpc-services,
 * ...) from the jars listed in {@link #CLASSPATH_RESOURCE}. Why each, see {@link EmbeddedProxy}.
 */
final class ProxyClassLoader extends URLClassLoader {

    static final String BOOT_CLASS = "dev.ferry.embedded.ProxyBoot";
    private static final String PROXY_CLASS_FILE = "org/apache/rocketmq/proxy/ProxyStartup.class";
    /** Where the build writes the proxy's class path: absolute paths of jars in the local Maven repository. */
    static final String CLASSPATH_RESOURCE = "dev/ferry/embedded/proxy-classpath.txt";
    private static final String GRPC_SERVICE_CLASS_FILE = "apache/rocketmq/v2/MessagingServiceGrpc.class";
    /** In the shaded gRPC client jar, which holds its own copies of the gRPC classes (and rocketmq-proto's pom). */
    static final String CLIENT_CLASS_FILE = "org/apache/rocketmq/client/java/impl/ClientImpl.class";
    /** fastjson2, whose generated readers find the proxy's classes through the loader fastjson2 is loaded by. */
    private static final String FASTJSON2_PREFIX = "com.alibaba.fastjson2.";
    private static final String FASTJSON2_CLASS_FILE = "com/alibaba/fastjson2/JSON.class";
    private static final String[] OWN_PREFIXES = {"org.apache.rocketmq.proxy.", "apache.rocketmq.v2.",
        FASTJSON2_PREFIX, BOOT_CLASS + "$"};

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private ProxyClassLoader(String name, URL[] urls, ClassLoader parent) {
        super(name, urls, parent);
    }

    /**
     * A loader for one proxy: over the jars listed in {@link #CLASSPATH_RESOURCE} (written by the build: rocketmq-proxy
     * and what it needs beyond this module's dependencies) and rocketmq-proto's jar, found on {@code parent}'s class
     * path.
     *
     * @throws IllegalStateException when the list is missing or names a jar that is not there
     */
    static ProxyClassLoader create(String name, ClassLoader parent) {
        List<URL> urls = new ArrayList<>(proxyJars(parent));
        urls.add(protoJar(parent));
        URL fastjson2 = parent.getResource(FASTJSON2_CLASS_FILE);
        if (fastjson2 == null) {
            throw new IllegalStateException("fastjson2 is not on the class path (RocketMQ's common module needs it)");
        }
        urls.add(jarOf(fastjson2));
        urls.add(ProxyClassLoader.class.getProtectionDomain().getCodeSource().getLocation()); // ProxyBoot
        return new ProxyClassLoader(name, urls.toArray(URL[]::new), parent);
    }

    private static List<URL> proxyJars(ClassLoader parent) {
        List<URL> jars = new ArrayList<>();
        try (InputStream in = parent.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: ferry-embedded was built without it");
            }
            String classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String entry : classPath.split(File.pathSeparator)) {
                Path jar = Path.of(entry);
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException("the proxy's jar " + jar + " (listed in " + CLASSPATH_RESOURCE
                        + " when ferry-embedded was built) is missing: rebuild ferry-embedded");
                }
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CLASSPATH_RESOURCE + ": " + e, e);
        }
        if (parent.getResource(PROXY_CLASS_FILE) != null) {
            throw new IllegalStateException("rocketmq-proxy is on the application's class path: leave it out (as"
                + " ferry-embedded's pom does for its tests), or the proxy's JSON reading meets two copies of its"
                + " classes");
        }
        return jars;
    }

    /** The jar of rocketmq-proto: of the jars with the gRPC classes, the one that is not the gRPC client. */
    private static URL protoJar(ClassLoader parent) {
        List<URL> candidates = new ArrayList<>();
        try {
            for (URL resource : Collections.list(parent.getResources(GRPC_SERVICE_CLASS_FILE))) {
                URL jar = jarOf(resource);
                try (JarFile file = new JarFile(new File(jar.toURI()))) {
                    if (file.getEntry(CLIENT_CLASS_FILE) == null) {
                        candidates.add(jar);
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot look for rocketmq-proto on the class path: " + e, e);
        }
        if (candidates.size() != 1) {
            throw new IllegalStateException("expected one rocketmq-proto jar on the class path, found " + candidates);
        }
        return candidates.get(0);
    }

    private static URL jarOf(URL resource) {
        try {
            return ((JarURLConnection) resource.openConnection()).getJarFileURL();
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot tell which jar holds " + resource, e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!own(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = findClass(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private static boolean own(String name) {
        if (name.equals(BOOT_CLASS)) {
            return true;
        }
        for (String prefix : OWN_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
