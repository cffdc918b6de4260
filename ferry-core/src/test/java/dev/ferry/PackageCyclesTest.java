package dev.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ferry-core's packages form a layered graph, never a cycle: a package can be read, tested and changed knowing
 * only those below it. Read from the sources (every {@code dev.ferry.<package>.} an import or the code names,
 * comments and strings left out), so it needs no build step and names the file behind each edge.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/ferry");
    private static final Pattern COMMENTS_AND_STRINGS =
        Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.ferry\\.([a-z]+)\\.");

    /** package -> the packages it uses -> the files that make the edge. */
    private static Map<String, Map<String, Set<String>>> graph() {
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Map<String, Set<String>> uses = graph.computeIfAbsent(from, p -> new TreeMap<>());
                String code = COMMENTS_AND_STRINGS.matcher(Files.readString(file)).replaceAll(" ")
                    .replaceFirst("package [a-z.]+;", "");
                Matcher reference = REFERENCE.matcher(code);
                while (reference.find()) {
                    String to = reference.group(1);
                    if (!to.equals(from)) {
                        uses.computeIfAbsent(to, p -> new TreeSet<>()).add(file.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    @Test
    void noPackageOfFerryCoreDependsOnItselfThroughOthers() {
        Map<String, Map<String, Set<String>>> graph = graph();
        assertThat(graph).as("the sources were found and read").containsKeys("copy", "offsets", "config", "names");
        assertThat(graph.get("backup")).as("edges are found").containsKey("copy");

        Optional<List<String>> cycle = firstCycle(graph);

        assertThat(cycle).as(() -> "package cycle " + cycle.map(c -> describe(c, graph)).orElse("")).isEmpty();
    }

    @Test
    void ferrysNamesDependOnNothingElseInFerry() {
        assertThat(graph().get("names")).as("every package may ask FerryNames").isEmpty();
    }

    /** A cycle as a list of packages, the first repeated at the end; empty when the graph is a DAG. */
    static Optional<List<String>> firstCycle(Map<String, Map<String, Set<String>>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            Optional<List<String>> cycle = search(start, graph, new ArrayDeque<>(), done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> search(String node, Map<String, Map<String, Set<String>>> graph,
                                                 Deque<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : (Iterable<String>) path::descendingIterator) {
                in |= p.equals(node);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(node);
            return Optional.of(cycle);
        }
        if (done.contains(node)) {
            return Optional.empty();
        }
        path.push(node);
        for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
            Optional<List<String>> cycle = search(next, graph, path, done);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.pop();
        done.add(node);
        return Optional.empty();
    }

    private static String describe(List<String> cycle, Map<String, Map<String, Set<String>>> graph) {
        StringBuilder text = new StringBuilder(cycle.get(0));
        for (int i = 1; i < cycle.size(); i++) {
            text.append(" -> ").append(cycle.get(i)).append(" (")
                .append(graph.get(cycle.get(i - 1)).get(cycle.get(i))).append(')');
        }
        return text.toString();
    }

    @Test
    void findsACycleWhenThereIsOne() {
        Map<String, Map<String, Set<String>>> graph = Map.of(
            "a", Map.of("b", Set.of("A.java")),
            "b", Map.of("c", Set.of("B.java")),
            "c", Map.of("a", Set.of("C.java")),
            "d", Map.of("a", Set.of("D.java")));
        assertThat(firstCycle(new TreeMap<>(graph)).orElseThrow()).containsExactly("a", "b", "c", "a");
        assertThat(firstCycle(new TreeMap<>(Map.of("a", Map.of("b", Set.of("A.java")))))).isEmpty();
    }
}
