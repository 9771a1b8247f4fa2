package dev.hnn.cli;

import dev.hnn.encoder.EncoderSession;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.encoder.RefreshPlacement;
import dev.hnn.head.SentimentModel;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/** Options of the whole-encoder-on-ciphertexts mode shared by {@code classify} and {@code eval}. */
final class EncryptedEncoderOption {
    @Option(names = "--encrypted-encoder", description = "Run every encoder layer on ciphertexts (the client keeps only "
            + "the tokenizer, the embedding table and the keys; refreshes are client-aided, in process, unless "
            + "--bootstrapping). Needs an "
            + "HE-form model: minilm-sst2-he by default.")
    boolean enabled;

    @Option(names = "--buckets", split = ",", paramLabel = "L", defaultValue = "16,32,64",
            description = "Length buckets (powers of two; a sentence is padded to the smallest that holds it; "
                    + "default: ${DEFAULT-VALUE}).")
    int[] buckets;

    @Option(names = "--placement", defaultValue = "COST", paramLabel = "COST|FEWEST_ROUND_TRIPS",
            description = "Refresh placement: COST (least estimated time; refreshes to the level the next steps need) "
                    + "or FEWEST_ROUND_TRIPS (default: ${DEFAULT-VALUE}).")
    RefreshPlacement placement;

    @Option(names = "--bootstrapping", description = "Non-interactive: the server refreshes by bootstrapping instead "
            + "of asking the client (N = 2^16; about 21 GB of memory and 4 minutes a layer on two cores).")
    boolean bootstrapping;

    EncoderSession open(SentimentModel model) throws IOException {
        EncryptedEncoder.Options o = EncryptedEncoder.Options.defaults().withBuckets(buckets)
                .withPlacement(placement, EncryptedEncoder.Options.defaults().refreshCost());
        if (bootstrapping)
            o = o.withBootstrapping(EncryptedEncoder.Bootstrapping.defaults())
                    .withValueBound(EncryptedEncoder.Bootstrapping.MINILM_VALUE_BOUND);
        EncoderSession s = EncoderSession.open(model, o, msg -> System.err.println("hnn: " + msg));
        System.err.printf(Locale.ROOT, "hnn: model %s, %d layers, buckets %s, ranges %s; keys %.1f s%n", model.name(),
                s.layers(), Arrays.toString(buckets), s.rangeSource(), s.keySeconds());
        return s;
    }
}
