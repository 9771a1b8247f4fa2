package dev.hnn.cli;

import dev.hnn.encoder.EncoderSession;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.encoder.HeadSpec;
import dev.hnn.head.SentimentModel;
import dev.hnn.inference.Approximation;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.inference.ServiceSpec;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.service.HnnServer;
import dev.hnn.service.Offerings;
import dev.hnn.service.ServiceLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code hnn serve}: the encrypted-inference gRPC service. Runs until stopped (SIGINT/SIGTERM shut it down
 * gracefully: running evaluations finish within the grace period).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve encrypted inference over gRPC: key registration, the encrypted head (Classify, "
                + "ClassifyBatch) and the whole encrypted encoder (EncryptedEncoderSession).")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7443", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--keys-dir", paramLabel = "DIR",
            description = "Where registered public keys are kept across restarts (default: $HNN_SERVER_KEYS, else "
                    + "~/.cache/hnn/server-keys).")
    Path keysDir;

    @Option(names = "--model", defaultValue = SentimentModel.DEFAULT, paramLabel = "NAME",
            description = "Model whose encrypted head is served (default: ${DEFAULT-VALUE}; none: no head).")
    String headModel;

    @Option(names = "--encoder-model", defaultValue = SentimentModel.HE_FRIENDLY, paramLabel = "NAME",
            description = "HE-form model whose whole encoder is served (default: ${DEFAULT-VALUE}; none: no encoder).")
    String encoderModel;

    @Option(names = "--buckets", split = ",", paramLabel = "L", defaultValue = "16,32,64",
            description = "Length buckets of the encoder (default: ${DEFAULT-VALUE}).")
    int[] buckets;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate chain (TLS; with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "Require client certificates signed by this CA (mutual TLS).")
    Path tlsClientCa;

    @Option(names = "--metrics-port", defaultValue = "-1", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (default: off).")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", description = "Metrics bind address.")
    String metricsHost;

    @Option(names = "--max-concurrent", defaultValue = "2", description = "Evaluations at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrent;

    @Option(names = "--max-queued", defaultValue = "16", description = "Evaluations waiting (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--max-key-sets", defaultValue = "64", description = "Key sets on disk (default: ${DEFAULT-VALUE}).")
    int maxKeySets;

    @Option(names = "--rate", defaultValue = "20", paramLabel = "PER_SECOND",
            description = "Calls per second per key set (default: ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("give both --tls-cert and --tls-key, or neither");
            return 2;
        }
        if (tlsClientCa != null && tlsCert == null) {
            System.err.println("--tls-client-ca needs --tls-cert and --tls-key");
            return 2;
        }
        ServiceLimits d = ServiceLimits.defaults();
        ServiceLimits limits = d.withEvaluations(maxConcurrent, maxQueued).withKeySets(maxKeySets, d.maxLoadedKeySets())
                .withRate(rate, (int) Math.max(1, Math.ceil(2 * rate)));
        HnnServer.Builder b = HnnServer.builder().host(host).port(port).keysDir(keysDir()).limits(limits);
        if (!"none".equals(headModel)) b.head(head(headModel));
        if (!"none".equals(encoderModel)) b.encoder(encoder(encoderModel));
        if (tlsCert != null) b.tls(tlsCert.toFile(), tlsKey.toFile(), tlsClientCa == null ? null : tlsClientCa.toFile());
        if (metricsPort >= 0) b.metrics(metricsHost, metricsPort);
        CountDownLatch stopped = new CountDownLatch(1);
        HnnServer server = b.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("hnn: shutting down (running evaluations may finish) ...");
            server.close();
            stopped.countDown();
        }, "hnn-shutdown"));
        System.err.printf(Locale.ROOT, "hnn: serving on %s:%d (%s)%s; keys in %s%n", host, server.port(),
                tlsCert == null ? "plaintext" : tlsClientCa == null ? "TLS" : "mutual TLS",
                server.metricsPort() >= 0 ? ", metrics on port " + server.metricsPort() : "", keysDir());
        server.awaitTermination();
        stopped.await();
        return 0;
    }

    private Path keysDir() {
        if (keysDir != null) return keysDir;
        String env = System.getenv("HNN_SERVER_KEYS");
        if (env != null && !env.isBlank()) return Path.of(env);
        return Path.of(System.getProperty("user.home"), ".cache", "hnn", "server-keys");
    }

    static Offerings.Head head(String name) throws Exception {
        SentimentModel m = SentimentModel.load(name);
        HeadCircuit c = HeadCircuit.of(m.head(), Approximation.DEFAULT);
        return new Offerings.Head(name, c, ServiceSpec.of(c));
    }

    private Offerings.Encoder encoder(String name) throws Exception {
        SentimentModel m = SentimentModel.load(name);
        TransformerEncoder w = m.encoderWeights();
        HeadSpec h = HeadSpec.of(m.head().head());
        EncoderSession.Ranges r;
        try (SentenceEncoder text = m.openEncoder()) {
            r = EncoderSession.ranges(m, w, h, text);
        }
        System.err.println("hnn: encoder " + name + ", " + w.layers().size() + " layers, ranges " + r.source());
        return new Offerings.Encoder(name, w, h, r.ranges(), EncryptedEncoder.Options.defaults().withBuckets(buckets),
                EncryptedEncoder.parameters128());
    }
}
