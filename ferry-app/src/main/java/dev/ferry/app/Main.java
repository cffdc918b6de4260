package dev.ferry.app;

import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code bin/ferry}: the command line. Exit codes: 0 done, 1 failed at run time, 2 bad usage or input. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code (for tests, which must not exit the JVM). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command writing to the given streams, and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new FerryCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new Failures());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("ferry: " + e.getMessage()
                + " (see 'bin/ferry " + e.getCommandLine().getCommandName() + " --help')");
            return ExitCodes.BAD_INPUT;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
