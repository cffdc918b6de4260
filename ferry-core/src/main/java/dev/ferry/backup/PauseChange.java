package dev.ferry.backup;

import java.util.ArrayList;
import java.util.List;

/**
 * What an operator's pause or resume changed, as its answer says it: the links it paused (or resumed), and those it
 * found so already. Asking twice is not an error: the second answer says that nothing changed.
 *
 * @param pause   a pause; false for a resume
 * @param changed the links changed now, by name ({@code orders-dr: hangzhou -> shanghai})
 * @param already the links that were so already (paused, or not paused)
 */
public record PauseChange(boolean pause, List<String> changed, List<String> already) {

    public PauseChange {
        changed = List.copyOf(changed);
        already = List.copyOf(already);
    }

    /**
     * One line: {@code paused orders-dr: a -> b; orders-dr: b -> a was paused already}, or, when nothing changed,
     * {@code nothing changed: orders-dr: a -> b was not paused}.
     */
    public String text() {
        List<String> parts = new ArrayList<>();
        if (!changed.isEmpty()) {
            parts.add((pause ? "paused " : "resumed ") + String.join(", ", changed));
        }
        if (!already.isEmpty()) {
            parts.add(String.join(", ", already) + (already.size() == 1 ? " was " : " were ")
                + (pause ? "paused already" : "not paused"));
        }
        return (changed.isEmpty() ? "nothing changed: " : "") + String.join("; ", parts);
    }
}
