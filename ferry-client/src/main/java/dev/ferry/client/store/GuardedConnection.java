package dev.ferry.client.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;

/**
 * The connection handed to the application's work in a transactional mark: the real one, except that it cannot
 * end the transaction. A commit inside the work would commit the mark before the rest of the work, a rollback
 * would drop the mark and leave later writes unmarked: either breaks the one-transaction promise, so both, and
 * switching autocommit, throw. Savepoints work as usual: the mark precedes any savepoint the work sets. {@code close()} does nothing (the store closes the connection after its commit),
 * so that work written with try-with-resources on the connection is not a mistake.
 */
final class GuardedConnection implements InvocationHandler {

    /** Without arguments: {@code rollback(Savepoint)} stays allowed, it ends no transaction. */
    private static final Set<String> REFUSED_WITHOUT_ARGUMENTS = Set.of("commit", "rollback");

    private final Connection connection;

    private GuardedConnection(Connection connection) {
        this.connection = connection;
    }

    static Connection around(Connection connection) {
        return (Connection) Proxy.newProxyInstance(GuardedConnection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, new GuardedConnection(connection));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        boolean noArguments = args == null || args.length == 0;
        if (REFUSED_WITHOUT_ARGUMENTS.contains(name) && noArguments || "setAutoCommit".equals(name)) {
            throw new IllegalStateException("the work of processOnce must not call " + name + "(): the store commits"
                + " the application's writes together with the message's mark (throw to roll both back)");
        }
        if ("close".equals(name) && noArguments) {
            return null;
        }
        if ("isClosed".equals(name) && noArguments) {
            return connection.isClosed();
        }
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
