package dev.hnn.cli;

import dev.hnn.ckks.CkksContext;
import dev.hnn.inference.KeyDirectory;
import dev.hnn.inference.ServiceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code hnn keygen}: the client's key set for the encrypted head (secret, public and evaluation keys). */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate the client's keys for the encrypted head into the key directory: client.keys (secret, "
                + "keep it), public.keys and service.json (give these to the server).")
public final class KeygenCommand implements Callable<Integer> {
    @Mixin
    EncryptedHeadOption head;

    @Mixin
    KeysOption keys;

    @Option(names = "--force", description = "Replace keys that already match the service.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        ServiceSpec spec = ServiceSpec.of(head.circuit());
        KeyDirectory dir = keys.directory();
        if (!force && dir.holdsKeysFor(spec)) {
            System.out.println("keys for " + spec.id() + " already in " + dir.path() + " (use --force to replace)");
            return 0;
        }
        long t0 = System.nanoTime();
        try (CkksContext ctx = dir.generate(spec, System.err::println)) {
            long t1 = System.nanoTime();
            System.out.printf(Locale.ROOT, "keys in %s (%.2f s): %s %,d bytes, %s %,d bytes%n", dir.path(), (t1 - t0) / 1e9,
                    KeyDirectory.CLIENT, Files.size(dir.path().resolve(KeyDirectory.CLIENT)), KeyDirectory.PUBLIC,
                    Files.size(dir.path().resolve(KeyDirectory.PUBLIC)));
            System.out.println("service " + spec);
        }
        return 0;
    }
}
