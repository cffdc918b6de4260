package dev.ferry.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider;
import org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider;
import org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider;
import org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * ACL 2.0 on an {@link EmbeddedCluster} (RocketMQ 5.3+): every broker authenticates and authorizes each
 * request. A super user is created at the brokers' first start (RocketMQ's {@code initAuthenticationUser}); the
 * cluster's own calls (topics, users) sign as it, and so do the brokers among themselves (a slave syncing from
 * its master). Users and their rights live in each broker's store, so this class sets them on every broker, as
 * {@code mqadmin createUser -c} and {@code createAcl -c} do.
 *
 * <pre>{@code
 * EmbeddedCluster cluster = EmbeddedCluster.builder("DefaultCluster").withAcl("rocketmq", "12345678").start();
 * cluster.acl().createUser("ferry", "ferry-secret");
 * cluster.acl().grant("ferry", "Topic:orders", "Sub");
 * }</pre>
 */
public final class EmbeddedAcl {

    /** The super user every broker creates at its first start. */
    record SuperUser(String username, String password) {

        SuperUser {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        void enableOn(AuthConfig config) {
            config.setAuthenticationEnabled(true);
            config.setAuthenticationProvider(DefaultAuthenticationProvider.class.getName());
            config.setAuthenticationMetadataProvider(LocalAuthenticationMetadataProvider.class.getName());
            config.setAuthorizationEnabled(true);
            config.setAuthorizationProvider(DefaultAuthorizationProvider.class.getName());
            config.setAuthorizationMetadataProvider(LocalAuthorizationMetadataProvider.class.getName());
            config.setInitAuthenticationUser("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
            config.setInnerClientAuthenticationCredentials("{\"accessKey\":\"" + username + "\",\"secretKey\":\""
                + password + "\"}");
            // RocketMQ refreshes its cached users and rights each minute; a test grants and revokes within seconds.
            config.setUserCacheRefreshSecond(1);
            config.setAclCacheRefreshSecond(1);
        }

        RPCHook hook() {
            return new AclClientRPCHook(new SessionCredentials(username, password));
        }
    }

    /** What {@link #grant} and {@link #revoke} act on: the cluster's admin and its running brokers. */
    interface Brokers {
        DefaultMQAdminExt admin() throws Exception;

        List<String> runningAddresses();
    }

    private final String clusterName;
    private final SuperUser superUser;
    private final Brokers brokers;

    EmbeddedAcl(String clusterName, SuperUser superUser, Brokers brokers) {
        this.clusterName = clusterName;
        this.superUser = superUser;
        this.brokers = brokers;
    }

    /** The super user's name, which is also its access key. */
    public String superUser() {
        return superUser.username();
    }

    /** The super user's password, which is also its secret key. */
    public String superPassword() {
        return superUser.password();
    }

    /** An RPC hook that signs a client's requests as the super user (test producers and readers). */
    public RPCHook superUserHook() {
        return superUser.hook();
    }

    /** Creates a normal user on every running broker; it may do nothing until {@link #grant granted}. */
    public void createUser(String username, String password) {
        forEachBroker("create user '" + username + "'",
            (admin, address) -> admin.createUser(address, username, password, "Normal"));
    }

    /**
     * Allows {@code username} the {@code actions} ({@code Pub}, {@code Sub}, {@code Create}, {@code Update},
     * {@code Delete}, {@code Get}, {@code List}, {@code All}) on {@code resource}: {@code Topic:orders},
     * {@code Group:billing}, {@code Topic:FERRY_*} (a prefix), {@code Cluster:DefaultCluster}, on every broker.
     * A grant on a resource replaces the user's earlier grant on that same resource and keeps the others.
     */
    public void grant(String username, String resource, String... actions) {
        forEachBroker("grant " + List.of(actions) + " on " + resource + " to '" + username + "'",
            (admin, address) -> admin.createAcl(address, "User:" + username, List.of(resource), List.of(actions),
                List.of(), "Allow"));
    }

    /** Takes back what was granted to {@code username} on {@code resource}, on every broker. */
    public void revoke(String username, String resource) {
        forEachBroker("revoke " + resource + " from '" + username + "'",
            (admin, address) -> admin.deleteAcl(address, "User:" + username, resource));
    }

    private interface BrokerCall {
        void run(DefaultMQAdminExt admin, String address) throws Exception;
    }

    private void forEachBroker(String what, BrokerCall call) {
        List<String> failed = new ArrayList<>();
        for (String address : brokers.runningAddresses()) {
            try {
                call.run(brokers.admin(), address);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("embedded cluster '" + clusterName + "': interrupted: " + what, e);
            } catch (Exception e) {
                failed.add(address + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("embedded cluster '" + clusterName + "': cannot " + what + " on "
                + failed);
        }
    }
}
