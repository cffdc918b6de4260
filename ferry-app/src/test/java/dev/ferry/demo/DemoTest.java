package dev.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code bin/ferry demo} for a bounded time: every scenario's closing check passes. */
class DemoTest {

    @Test
    void theDemoRunsAndItsClosingCheckPasses() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "demo", "--duration", "5", "--rate", "40",
            "--http", "127.0.0.1:0");
        String text = out.toString();
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("aggregation").contains("disaster recovery").contains("All scenarios PASS.")
            .doesNotContain("FAIL");
        assertThat(text).containsPattern("aggregation\\s+center/orders: \\d+ sent").contains("unit-a=").contains("unit-b=");
        assertThat(text).containsPattern("active-active\\s+east/trades: \\d+ sent.*east\\(local\\)=\\d+, west=\\d+.*PASS")
            .containsPattern("active-active\\s+west/trades: \\d+ sent.*east=\\d+, west\\(local\\)=\\d+.*PASS")
            .containsPattern("east/trades with SQL-92 FERRY_ORIGIN IS NULL: (\\d+) received, \\1 expected: PASS")
            .containsPattern("west/trades with SQL-92 FERRY_ORIGIN = 'east': (\\d+) received, \\1 expected: PASS");
    }
}
