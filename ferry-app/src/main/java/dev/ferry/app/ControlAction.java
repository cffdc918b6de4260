package dev.ferry.app;

import java.util.Map;

/**
 * Something an operator asks of a running Ferry with a {@code POST} to its HTTP endpoint ({@code bin/ferry reload},
 * {@code pause}, {@code resume} send them): registered on a path with {@link StatusServer#control}, guarded by
 * {@link HttpGuard} (POST only, and always the token).
 *
 * <p>How the answer follows from the outcome, so that every action answers alike:
 * <ul>
 *   <li>returns normally: <b>200</b> with the returned text (what was done, for the operator to read);</li>
 *   <li>{@link IllegalArgumentException}: <b>400</b> with its message, which names the parameter that is wrong;</li>
 *   <li>{@link IllegalStateException}: <b>409</b> with its message (the request is well formed, but Ferry's state
 *       does not allow it now, e.g. a new file that does not validate);</li>
 *   <li>anything else: <b>500</b> with the exception's message.</li>
 * </ul>
 */
@FunctionalInterface
interface ControlAction {

    /** Does the action with the request's query parameters ({@code ?backup=orders-dr&direction=a->b}). */
    String perform(Map<String, String> parameters) throws Exception;
}
