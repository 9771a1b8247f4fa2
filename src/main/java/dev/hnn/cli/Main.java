package dev.hnn.cli;

import dev.hnn.text.Offline;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hnn} entry point. Each subcommand is its own class; later issues add more
 * (encrypted classify, keygen, ...) by listing them here.
 */
@Command(name = "hnn", mixinStandardHelpOptions = true, version = "hnn 0.1.0",
        description = "Transformer text classification, in plaintext or under CKKS homomorphic encryption.",
        subcommands = {ClassifyCommand.class, EvalCommand.class, TrainHeadCommand.class, DownloadCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Offline.enable();
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
