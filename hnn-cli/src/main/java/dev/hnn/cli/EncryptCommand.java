package dev.hnn.cli;

import dev.hnn.ckks.CkksContext;
import dev.hnn.inference.HeadClient;
import dev.hnn.inference.KeyDirectory;
import dev.hnn.inference.ServiceSpec;
import dev.hnn.model.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hnn encrypt}: client side, text to an encrypted request for the server. */
@Command(name = "encrypt", mixinStandardHelpOptions = true,
        description = "Client: compute the text's features and encrypt them into a request file for `hnn evaluate`.")
public final class EncryptCommand implements Callable<Integer> {
    @Mixin
    KeysOption keys;

    @Mixin
    ModelOption model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Request file ('-' for standard output).")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Text to classify (several words are joined).")
    String[] words;

    @Override
    public Integer call() throws Exception {
        KeyDirectory dir = keys.directory();
        ServiceSpec spec = dir.readSpec();
        try (CkksContext ctx = dir.loadClient(spec); SentenceEncoder enc = model.load().openEncoder()) {
            byte[] request = new HeadClient(spec, ctx).encrypt(enc.embed(String.join(" ", words))).toBytes();
            Streams.write(out, request);
            System.err.printf("request: %,d bytes -> %s%n", request.length, out);
        }
        return 0;
    }
}
