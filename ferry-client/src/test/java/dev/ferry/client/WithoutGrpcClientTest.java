package dev.ferry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * rocketmq-client-java is an optional dependency: an application on the remoting client alone must be able to use
 * the stores and the remoting wrappers. Here ferry-client's classes run in a class loader that cannot see the gRPC
 * client's API, as in such an application, and a remoting consumer's round trip works there.
 */
class WithoutGrpcClientTest {

    @Test
    void theRemotingWrappersNeverLoadTheGrpcClient() throws Exception {
        try (WithoutGrpcClient loader = new WithoutGrpcClient(getClass().getClassLoader())) {
            Runnable app = (Runnable) loader.loadClass(RemotingOnlyApp.class.getName()).getDeclaredConstructor()
                .newInstance();

            app.run();

            assertThatThrownBy(() -> loader.loadClass("dev.ferry.client.grpc.GrpcIdempotent")
                .getMethods()).as("the gRPC wrappers do need it").isInstanceOf(NoClassDefFoundError.class);
        }
        assertThat(RemotingOnlyApp.class.getClassLoader()).isSameAs(getClass().getClassLoader());
    }

    /**
     * Defines ferry-client's classes (main and test) itself, so that what they link to is resolved through it, and
     * hides rocketmq-client-java's packages; everything else comes from the test's class loader.
     */
    private static final class WithoutGrpcClient extends ClassLoader implements AutoCloseable {

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

        @Override
        public void close() {
        }
    }
}
