package dev.hnn.model.distilbert;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hnn.data.SharedData;
import dev.hnn.nn.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes a tiny DistilBERT checkpoint (the real config.json's keys with small sizes, the real tensor
 * names of DistilBertForSequenceClassification, random weights, vocab.txt only), loads it, and checks
 * hidden states and logits against a naive double-precision reference written independently here.
 */
class DistilBertLoaderTest {
    static final int DIM = TinyDistilBertCheckpoint.DIM;
    static final int HEADS = TinyDistilBertCheckpoint.HEADS;
    static final int LAYERS = TinyDistilBertCheckpoint.LAYERS;

    @TempDir
    Path dir;

    Map<String, double[]> weights;

    private void writeCheckpoint() throws IOException {
        weights = new TinyDistilBertCheckpoint(dir, 1234).write();
    }

    @Test
    void loadsTinyCheckpointAndMatchesNaiveReference() throws Exception {
        writeCheckpoint();

        try (DistilBertClassifier model = DistilBertLoader.load(dir)) {
            assertEquals(List.of("NEGATIVE", "POSITIVE"), model.labels());
            assertEquals(LAYERS, model.encoder().config().layers());
            int[] ids = model.tokenizer().encode("The movie was not fun, a terrible movies");
            // [CLS] the movie was not fun [UNK](,) a terrible movie ##s [SEP]
            assertArrayEquals(new int[] {2, 5, 6, 7, 10, 13, 1, 15, 9, 6, 14, 3}, ids);
            double[][] ref = referenceHidden(ids);
            Matrix ours = model.encoder().forward(ids);
            double worst = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int d = 0; d < DIM; d++) {
                    worst = Math.max(worst, Math.abs(ref[t][d] - ours.get(t, d)));
                }
            }
            assertTrue(worst < 1e-4, "hidden state max diff " + worst);
            double[] refLogits = referenceLogits(ref[0]);
            float[] logits = model.logits(ids);
            assertEquals(2, logits.length);
            assertEquals(refLogits[0], logits[0], 1e-4);
            assertEquals(refLogits[1], logits[1], 1e-4);
            assertTrue(Math.abs(refLogits[0] - refLogits[1]) > 1e-3, "random head separates the classes");
        }
    }

    /**
     * The classification head of a DistilBERT checkpoint evaluated by the encrypted-head machinery (the same
     * BSGS matrix product and polynomial evaluation as the MiniLM head, ReLU approximated on the calibrated
     * range): the client computes the [CLS] features, the server holds only public keys. Small insecure ring.
     */
    @Test
    void checkpointHeadRunsUnderEncryption() throws Exception {
        writeCheckpoint();
        try (DistilBertClassifier model = DistilBertLoader.load(dir)) {
            List<String> texts = List.of("the movie was fun", "a terrible movie", "the movie was not fun",
                    "fun fun fun", "terrible , the movie", "was the movie terrible");
            List<float[]> features = new ArrayList<>();
            for (String t : texts) {
                features.add(model.clsFeature(t));
            }
            dev.hnn.inference.HeadCircuit circuit = dev.hnn.inference.DistilBertHead.circuit(model, features,
                    dev.hnn.inference.Approximation.DEFAULT);
            // the diagonal (BSGS) layout, which the real 768 x 768 pre_classifier gets
            dev.hnn.inference.ServiceSpec spec = dev.hnn.inference.ServiceSpec.insecureForTesting(circuit,
                    dev.hnn.inference.ServiceSpec.SingleLayout.DIAGONAL);
            assertEquals(0, spec.featuresPerCiphertext());
            dev.hnn.ckks.CkksContext keys = dev.hnn.ckks.CkksContext.builder(spec.parameters())
                    .rotations(spec.rotationSteps()).build();
            try (dev.hnn.inference.EncryptedClassifier ec =
                         dev.hnn.inference.EncryptedClassifier.inMemory(circuit, spec, keys)) {
                for (int i = 0; i < texts.size(); i++) {
                    float[] logits = model.logits(texts.get(i));
                    double plain = 1 / (1 + Math.exp(-(logits[1] - logits[0])));
                    double[] x = new double[features.get(i).length];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = features.get(i)[k];
                    }
                    assertEquals(plain, circuit.exactProbability(x), 1e-5, "circuit's exact form is the checkpoint's head");
                    double p = ec.classify(features.get(i)).probability();
                    assertEquals(circuit.approximateProbability(x), p, 2e-3, "CKKS error, text " + i);
                    double fitBound = 0.25 * circuit.outputWeightNorm() * circuit.activationSeries().errorBound()
                            + circuit.sigmoidSeries().errorBound();
                    assertEquals(plain, p, fitBound + 2e-3, "encrypted vs plaintext model, text " + i);
                }
            }
        }
    }

    // ---- naive reference, double precision, PyTorch weight layout used as is ----

    private double[][] referenceHidden(int[] ids) {
        int n = ids.length;
        double[][] x = new double[n][DIM];
        double[] we = weights.get("distilbert.embeddings.word_embeddings.weight");
        double[] pe = weights.get("distilbert.embeddings.position_embeddings.weight");
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < DIM; d++) {
                x[t][d] = we[ids[t] * DIM + d] + pe[t * DIM + d];
            }
        }
        x = ln(x, "distilbert.embeddings.LayerNorm");
        for (int l = 0; l < LAYERS; l++) {
            String p = "distilbert.transformer.layer." + l + ".";
            double[][] q = lin(x, p + "attention.q_lin");
            double[][] k = lin(x, p + "attention.k_lin");
            double[][] v = lin(x, p + "attention.v_lin");
            int dh = DIM / HEADS;
            double[][] ctx = new double[n][DIM];
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = -1e300;
                    for (int j = 0; j < n; j++) {
                        for (int d = 0; d < dh; d++) {
                            s[j] += q[i][h * dh + d] / Math.sqrt(dh) * k[j][h * dh + d];
                        }
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int d = 0; d < dh; d++) {
                            ctx[i][h * dh + d] += s[j] / z * v[j][h * dh + d];
                        }
                    }
                }
            }
            x = ln(add(x, lin(ctx, p + "attention.out_lin")), p + "sa_layer_norm");
            double[][] f = lin(x, p + "ffn.lin1");
            for (double[] row : f) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = 0.5 * row[d] * (1 + erfSeries(row[d] / Math.sqrt(2)));
                }
            }
            x = ln(add(x, lin(f, p + "ffn.lin2")), p + "output_layer_norm");
        }
        return x;
    }

    private double[] referenceLogits(double[] cls) {
        double[][] h = lin(new double[][] {cls}, "pre_classifier");
        for (int d = 0; d < h[0].length; d++) {
            h[0][d] = Math.max(0, h[0][d]);
        }
        return lin(h, "classifier")[0];
    }

    private double[][] lin(double[][] x, String name) {
        double[] w = weights.get(name + ".weight");
        double[] b = weights.get(name + ".bias");
        int out = b.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += w[o * in + i] * x[t][i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    private double[][] ln(double[][] x, String name) {
        double[] g = weights.get(name + ".weight");
        double[] b = weights.get(name + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mu = 0;
            for (double v : x[t]) {
                mu += v / x[t].length;
            }
            double var = 0;
            for (double v : x[t]) {
                var += (v - mu) * (v - mu) / x[t].length;
            }
            y[t] = new double[x[t].length];
            for (int d = 0; d < x[t].length; d++) {
                y[t][d] = (x[t][d] - mu) / Math.sqrt(var + 1e-12) * g[d] + b[d];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] + b[i][j];
            }
        }
        return c;
    }

    /** erf by its Maclaurin series (fine in double for |x| < 6), independent of the production code. */
    private static double erfSeries(double x) {
        if (Math.abs(x) > 5.5) {
            return Math.signum(x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
