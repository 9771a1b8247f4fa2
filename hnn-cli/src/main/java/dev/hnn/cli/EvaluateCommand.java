package dev.hnn.cli;

import dev.hnn.ckks.CkksContext;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.inference.HeadServer;
import dev.hnn.inference.KeyDirectory;
import dev.hnn.inference.ServiceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hnn evaluate}: server side, encrypted request to encrypted response, with public keys only. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Server: evaluate the head on an encrypted request, using only service.json and public.keys "
                + "from the key directory (client.keys is never read).")
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    EncryptedHeadOption head;

    @Mixin
    KeysOption keys;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Request file ('-' for standard input).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Response file ('-' for standard output).")
    Path out;

    @Override
    public Integer call() throws Exception {
        HeadCircuit circuit = head.circuit();
        ServiceSpec spec = ServiceSpec.of(circuit);
        KeyDirectory dir = keys.directory();
        byte[] request = Streams.read(in);
        try (CkksContext pub = dir.loadPublic(spec); HeadServer server = new HeadServer(circuit, spec, pub)) {
            long t0 = System.nanoTime();
            byte[] response = server.handle(request);
            long t1 = System.nanoTime();
            Streams.write(out, response);
            System.err.printf(Locale.ROOT, "evaluated in %.1f ms: %,d bytes in, %,d bytes out%n", (t1 - t0) / 1e6,
                    request.length, response.length);
        }
        return 0;
    }
}
