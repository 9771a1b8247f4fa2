package dev.hnn.cli;

import dev.hnn.service.HnnClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --server host:port} and its TLS options: classify through an {@code hnn serve} instead of in process. */
final class ServerOption {
    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "Classify through an HNN server (`hnn serve`): only public keys and ciphertexts leave.")
    String target;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "Trust the server certificate this CA signed (TLS).")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate for mutual TLS (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Client private key (PKCS#8 PEM) for mutual TLS.")
    Path tlsKey;

    boolean enabled() {
        return target != null;
    }

    HnnClient connect() throws IOException {
        if (tlsCa == null) {
            if (tlsCert != null) throw new IllegalArgumentException("--tls-cert needs --tls-ca");
            return HnnClient.connect(target);
        }
        if ((tlsCert == null) != (tlsKey == null))
            throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
        return HnnClient.connectTls(target, tlsCa.toFile(), tlsCert == null ? null : tlsCert.toFile(),
                tlsKey == null ? null : tlsKey.toFile());
    }
}
