package dev.hnn.cli;

import dev.hnn.ckks.CkksContext;
import dev.hnn.inference.HeadClient;
import dev.hnn.inference.KeyDirectory;
import dev.hnn.inference.ServiceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hnn decrypt}: client side, encrypted response to label and P(positive). */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Client: decrypt a response from `hnn evaluate` into the label and P(positive).")
public final class DecryptCommand implements Callable<Integer> {
    @Mixin
    KeysOption keys;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Response file ('-' for standard input).")
    Path in;

    @Override
    public Integer call() throws Exception {
        KeyDirectory dir = keys.directory();
        ServiceSpec spec = dir.readSpec();
        try (CkksContext ctx = dir.loadClient(spec)) {
            double[] p = new HeadClient(spec, ctx).decrypt(Streams.read(in));
            for (double v : p) {
                System.out.printf(Locale.ROOT, "label: %s%nP(positive): %.4f%n", v >= 0.5 ? "positive" : "negative", v);
            }
        }
        return 0;
    }
}
