package dev.ferry.app;

import dev.ferry.config.ConfigException;
import dev.ferry.copy.SendFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns what a command throws into the contract's exit codes: a bad configuration or input is one line on
 * stderr and exit 2; anything else is a run-time failure, one line on stderr (the stack trace goes to the
 * log) and exit 1. The line is {@link SendFailure#describe}'s, as in a link's status and the log.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException || e instanceof BadInput) {
            cli.getErr().println(e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        LOG.debug("ferry {} failed", cli.getCommandName(), e);
        cli.getErr().println("ferry " + cli.getCommandName() + ": failed: " + SendFailure.describe(e));
        return ExitCodes.FAILED;
    }

    /** Input that is wrong in a way the configuration loader cannot see (e.g. a name that is not in the file). */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }
}
