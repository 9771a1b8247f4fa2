package dev.hnn.cli;

import dev.hnn.text.Offline;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hnn} entry point. Each subcommand is its own class, listed here.
 */
@Command(name = "hnn", mixinStandardHelpOptions = true, version = "hnn 0.1.0",
        description = "Transformer text classification, in plaintext or under CKKS homomorphic encryption.",
        subcommands = {ClassifyCommand.class, EvalCommand.class, KeygenCommand.class, EncryptCommand.class,
                EvaluateCommand.class, DecryptCommand.class, TrainCommand.class, TrainHeadCommand.class,
                DownloadCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Offline.enable();
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = new CommandLine(new Main());
        // expected failures (bad input, missing or mismatched keys, corrupt files) print one clear line;
        // HNN_DEBUG=1 adds the stack trace
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            cmd.getErr().println("hnn " + cmd.getCommandName() + ": " + msg);
            if (System.getenv("HNN_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
