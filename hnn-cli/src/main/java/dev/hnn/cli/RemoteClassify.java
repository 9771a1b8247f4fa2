package dev.hnn.cli;

import dev.hnn.ckks.CkksContext;
import dev.hnn.encoder.EncoderClient;
import dev.hnn.encoder.EncoderSession;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.encoder.HeadSpec;
import dev.hnn.head.SentimentModel;
import dev.hnn.inference.HeadClient;
import dev.hnn.inference.KeyDirectory;
import dev.hnn.inference.ServiceSpec;
import dev.hnn.model.SentenceEncoder;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.service.HnnClient;

import java.util.Locale;

/**
 * {@code hnn classify --server HOST:PORT TEXT}: the client half of a classification against a running server. The
 * model named by the server's spec runs here as far as the client's part goes (the whole encoder in plaintext for
 * the head; only the embeddings for {@code --encrypted-encoder}); keys are made for the server's spec, their public
 * half registered (idempotent), and only ciphertexts cross.
 */
final class RemoteClassify {
    private RemoteClassify() {}

    /** The encrypted head on the server; the client's keys live in {@code keys} (made once per server spec). */
    static int head(HnnClient client, KeyDirectory keys, String text) throws Exception {
        long t0 = System.nanoTime();
        var spec = client.spec();
        ServiceSpec head = HnnClient.headSpec(spec);
        SentimentModel model = SentimentModel.load(spec.getHead().getModel());
        try (CkksContext ctx = keys.holdsKeysFor(head) ? keys.loadClient(head)
                : keys.generate(head, msg -> System.err.println("hnn: " + msg + " (once; kept in " + keys.path() + ")"));
                SentenceEncoder enc = model.openEncoder()) {
            String keyId = client.ensureRegistered(head.id(), keys.publicKeyBytes());
            long t1 = System.nanoTime();
            float[] feature = enc.embed(text);
            HeadClient hc = new HeadClient(head, ctx);
            byte[] request = hc.encrypt(feature).toBytes();
            long t2 = System.nanoTime();
            byte[] response = client.classify(keyId, request);
            long t3 = System.nanoTime();
            double p = hc.decrypt(response)[0];
            double plain = model.head().head().probabilityPositive(feature);
            System.out.printf(Locale.ROOT, "label: %s%n", p >= 0.5 ? "positive" : "negative");
            System.out.printf(Locale.ROOT, "P(positive): %.4f (plaintext %.4f, |diff| %.1e)%n", p, plain,
                    Math.abs(p - plain));
            System.out.printf(Locale.ROOT, "server %s, model %s, key set %s…%n", spec.getServerVersion(),
                    spec.getHead().getModel(), keyId.substring(0, 16));
            System.out.printf(Locale.ROOT, "timings: model + keys + registration %.0f ms, features + encrypt %.0f ms, server round "
                    + "trip %.0f ms; bytes to server %d, to client %d%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (t3 - t2) / 1e6, request.length, response.length);
        }
        return 0;
    }

    /**
     * The whole encoder on the server, refreshes over the session stream; the keys are made once and kept in the
     * subfolder {@code encoder} of {@code keys} (registered with the server only if it does not hold them yet).
     */
    static int encoder(HnnClient client, KeyDirectory keys, String text) throws Exception {
        var spec = client.spec();
        EncoderSpec es = HnnClient.encoderSpec(spec);
        SentimentModel model = SentimentModel.load(spec.getEncoder().getModel());
        TransformerEncoder weights = model.encoderWeights();
        HeadSpec head = HeadSpec.of(model.head().head());
        KeyDirectory encoderKeys = KeyDirectory.at(keys.path().resolve("encoder"));
        long t0 = System.nanoTime();
        try (CkksContext ctx = encoderKeys.loadOrGenerate(es::generateKeys, es::checkKeys,
                msg -> System.err.println("hnn: encoder keys for buckets " + java.util.Arrays.toString(es.buckets())
                        + ": " + msg));
                SentenceEncoder text0 = model.openEncoder();
                EncoderClient ec = new EncoderClient(ctx, es)) {
            long t1 = System.nanoTime();
            String keyId = client.ensureRegistered(es.specId(), encoderKeys.publicKeyBytes());
            long t2 = System.nanoTime();
            EncoderSession.Embedded e = EncoderSession.embed(text0, weights, text, es.maxBucket());
            EncoderClient.Outcome out = client.encode(keyId, ec, e.x());
            long t3 = System.nanoTime();
            double p = head.probability(out.logit());
            double plain = head.probability(EncryptedEncoder.plainLogit(weights, head, e.x()));
            System.out.printf(Locale.ROOT, "label: %s%n", p >= 0.5 ? "positive" : "negative");
            System.out.printf(Locale.ROOT, "P(positive): %.4f (plaintext %.4f, |diff| %.1e)%n", p, plain,
                    Math.abs(p - plain));
            System.out.printf(Locale.ROOT, "%d tokens%s, bucket %d; keys %.1f s, registration %.1f s, session %.1f s; "
                    + "%d round trips, bytes to server %d, to client %d%n", out.tokens(),
                    e.truncated() ? " (cut to the largest bucket)" : "", out.bucket(), (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9, 1 + out.session().roundTrips(), out.session().bytesSent(),
                    out.session().bytesReceived());
        }
        return 0;
    }
}
