package dev.ferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.names.FerryNames;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.filter.FilterFactory;
import org.apache.rocketmq.filter.expression.EvaluationContext;
import org.apache.rocketmq.filter.expression.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loop filter, compiled and evaluated by RocketMQ's own SQL-92 engine, as the broker does. */
class LoopFilterTest {

    @ParameterizedTest(name = "path [{0}] into {1}: copied = {2}")
    @CsvSource(nullValues = "null", value = {
        "null, B, true",
        "A, B, true",
        "B, B, false",
        "'A,B', B, false",
        "'B,A', B, false",
        "'A,B,C', B, false",
        "B2, B, true",
        "'A,B2', B, true",
        "'B2,A', B, true",
        "'A,xB,C', B, true",
        "'A,Bx,C', B, true",
        "'unit-a,region.east', center, true",
        "'unit-a,region.east', region.east, false",
        "'unit-a,region.east', region, true",
    })
    void passesOnlyMessagesWhosePathDoesNotNameTheTarget(String path, String target, boolean copied)
        throws Exception {
        Map<String, Object> properties = new HashMap<>();
        if (path != null) {
            properties.put(FerryNames.PATH, path);
        }
        assertThat(evaluate(LoopFilter.notVisited(target), properties)).isEqualTo(copied);
    }

    @ParameterizedTest(name = "4.x: path [{0}] into {1}: passed by the broker = {2}")
    @CsvSource(nullValues = "null", value = {
        "null, B, true",
        "A, B, true",
        "B, B, false",
        "B2, B, true",
        // Longer paths naming B pass the broker: Ferry drops them (OriginStamp).
        "'A,B', B, true",
        "'B,A', B, true",
    })
    void withoutStringOperatorsPassesOverTheCopiesStraightFromTheTarget(String path, String target, boolean passed)
        throws Exception {
        Map<String, Object> properties = new HashMap<>();
        if (path != null) {
            properties.put(FerryNames.PATH, path);
        }
        String sql = LoopFilter.notCopiedFrom(target);
        assertThat(sql).doesNotContain("STARTSWITH", "ENDSWITH", "CONTAINS");
        assertThat(evaluate(sql, properties)).isEqualTo(passed);
    }

    @Test
    void combinesWithTheBackupsFilter() throws Exception {
        String sql = LoopFilter.subscription("region = 'east' OR vip = 'yes'", "B");
        assertThat(evaluate(sql, Map.of("region", "east"))).isTrue();
        assertThat(evaluate(sql, Map.of("vip", "yes", FerryNames.PATH, "A"))).isTrue();
        assertThat(evaluate(sql, Map.of("region", "east", FerryNames.PATH, "A,B"))).isFalse();
        assertThat(evaluate(sql, Map.of("region", "west"))).isFalse();
    }

    @Test
    void withoutABackupFilterItIsTheLoopCheckAlone() {
        assertThat(LoopFilter.subscription(null, "B")).isEqualTo(LoopFilter.notVisited("B"));
    }

    private static boolean evaluate(String sql, Map<String, Object> properties) throws Exception {
        Expression expression = FilterFactory.INSTANCE.get(ExpressionType.SQL92).compile(sql);
        Object result = expression.evaluate(new EvaluationContext() {
            @Override
            public Object get(String name) {
                return properties.get(name);
            }

            @Override
            public Map<String, Object> keyValues() {
                return properties;
            }
        });
        return Boolean.TRUE.equals(result);
    }
}
