package dev.ferry.app;

import picocli.CommandLine.Command;

/** The top of {@code bin/ferry}. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Global message backup for Apache RocketMQ: copies topics between clusters.",
    subcommands = {RunCommand.class, ValidateCommand.class, StatusCommand.class, DemoCommand.class,
        FailoverCommand.class, FailbackCommand.class, OffsetsCommand.class, BenchCommand.class, PauseCommand.class,
        ResumeCommand.class, ReloadCommand.class})
final class FerryCommand {
}
