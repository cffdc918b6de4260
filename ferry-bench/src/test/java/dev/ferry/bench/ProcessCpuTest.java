package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.embedded.DelayProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which threads of a JVM count as its JIT compiler, its collector or a delay proxy, read as /proc shows them. */
class ProcessCpuTest {

    @Test
    void namesAThreadsPartAsProcShowsIt() {
        assertThat(ProcessCpu.part("C2 CompilerThre")).isEqualTo(ProcessCpu.Part.JIT_THREAD);
        assertThat(ProcessCpu.part("C1 CompilerThre")).isEqualTo(ProcessCpu.Part.JIT_THREAD);
        assertThat(ProcessCpu.part("VM Thread")).isEqualTo(ProcessCpu.Part.GC_THREAD);
        assertThat(ProcessCpu.part("GC Thread#1")).isEqualTo(ProcessCpu.Part.GC_THREAD);
        assertThat(ProcessCpu.part("G1 Conc#0")).isEqualTo(ProcessCpu.Part.GC_THREAD);
        assertThat(ProcessCpu.part("ferry-delay-pro")).isEqualTo(ProcessCpu.Part.PROXY_THREAD);
        assertThat(ProcessCpu.part("ferry-bench-sam")).isEqualTo(ProcessCpu.Part.SAMPLER_THREAD);
        assertThat(ProcessCpu.part("VM Periodic Tas")).isEqualTo(ProcessCpu.Part.OTHER);
        assertThat(ProcessCpu.part("ConsumeMessageT")).isEqualTo(ProcessCpu.Part.OTHER);
    }

    @Test
    void readsANameWithSpacesAndParenthesesAndItsTicks() {
        String stat = "4242 (C2 (x) Thre) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 200 300";

        assertThat(ProcessCpu.threadName(stat)).isEqualTo("C2 (x) Thre");
        assertThat(ProcessCpu.ticks(stat)).as("utime 250 + stime 50").isEqualTo(300);
    }

    @Test
    void countsThisJvmsCompilerAndCollectorThreads() {
        ProcessCpu cpu = new ProcessCpu();
        double[] parts = cpu.jvmParts(ProcessHandle.current().pid());

        assertThat(parts).hasSize(4);
        assertThat(parts[0]).as("JIT").isNotNegative();
        assertThat(parts[1]).as("collector").isNotNegative();
        assertThat(parts[0] + parts[1]).isLessThanOrEqualTo(ProcessCpu.seconds(ProcessHandle.current().pid()));
    }

    @Test
    void aThreadThatEndsKeepsCountingWithWhatItUsed() throws Exception {
        ProcessCpu cpu = new ProcessCpu();
        long pid = ProcessHandle.current().pid();
        AtomicBoolean stop = new AtomicBoolean();
        Thread proxy = new Thread(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        }, DelayProxy.THREAD_NAME_PREFIX + "test");
        proxy.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> cpu.jvmParts(pid)[2] >= 0.05);
        } finally {
            stop.set(true);
            proxy.join();
        }
        double whileItRan = cpu.jvmParts(pid)[2];
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxyThreadListed(pid));

        assertThat(cpu.jvmParts(pid)[2]).as("what it used, once it is gone from /proc").isGreaterThanOrEqualTo(whileItRan);
    }

    private static boolean proxyThreadListed(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.anyMatch(task -> {
                try {
                    return Files.readString(task.resolve("comm")).startsWith("ferry-delay-pro");
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }
}
