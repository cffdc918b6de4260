package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * rocketmq-client-java is an optional dependency: an application on the remoting client alone must be able to use
 * the stores and the remoting wrappers. Here ferry-client's classes run in a class loader that cannot see the gRPC
 * client's API, as in such an application, and a remoting consumer's round trip works there.
 */
class WithoutGrpcClientTest {

    @Test
    void theRemotingWrappersNeverLoadTheGrpcClient() throws Exception {
        WithoutGrpcClient loader = new WithoutGrpcClient(getClass().getClassLoader());
        Runnable app = (Runnable) loader.loadClass(RemotingOnlyApp.class.getName()).getDeclaredConstructor()
            .newInstance();
        assertThat(app.getClass().getClassLoader()).isSameAs(loader);

        app.run();

        assertThatThrownBy(() -> loader.loadClass("dev.ferry.client.grpc.GrpcIdempotent").getMethods())
            .as("the gRPC wrappers do need it").isInstanceOf(NoClassDefFoundError.class);
    }

    /**
     * No class outside {@code dev.ferry.client.grpc} names a gRPC type in a signature or field: reflection on it (a
     * framework scanning the application's beans, say) would fail where the gRPC client is absent, even though no
     * call would load it.
     */
    @Test
    void noOtherClassNamesAGrpcTypeInItsSignatures() throws Exception {
        WithoutGrpcClient loader = new WithoutGrpcClient(getClass().getClassLoader());
        URL contract = getClass().getClassLoader().getResource("dev/ferry/client/ProcessedMessages.class");
        assertThat(contract).isNotNull();
        Path root = Path.of(contract.toURI()).getParent().getParent().getParent().getParent();
        List<String> names;
        try (Stream<Path> files = Files.walk(root.resolve("dev/ferry/client"))) {
            names = files.map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
                .filter(file -> file.endsWith(".class") && !file.startsWith("dev/ferry/client/grpc/"))
                .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.')).toList();
        }
        assertThat(names).contains("dev.ferry.client.consumer.Idempotent", "dev.ferry.client.store.ProcessedMessageStores");

        for (String name : names) {
            Class<?> type = loader.loadClass(name);
            type.getDeclaredMethods();
            type.getDeclaredConstructors();
            type.getDeclaredFields();
        }
    }

    /**
     * Defines ferry-client's classes (main and test) itself, so that what they link to is resolved through it, and
     * hides rocketmq-client-java's packages; everything else comes from the test's class loader.
     */
    private static final class WithoutGrpcClient extends ClassLoader {

        WithoutGrpcClient(ClassLoader parent) {
            super("without-grpc-client", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("org.apache.rocketmq.client.apis.")
                    || name.startsWith("org.apache.rocketmq.client.java.")) {
                    throw new ClassNotFoundException(name + " (rocketmq-client-java is not on this class path)");
                }
                if (!name.startsWith("dev.ferry.client.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = define(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }

        private Class<?> define(String name) throws ClassNotFoundException {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
