package dev.hnn.service;

import dev.hnn.ckks.CkksContext;
import dev.hnn.encoder.CircuitRanges;
import dev.hnn.encoder.EncryptedEncoder;
import dev.hnn.encoder.HeadSpec;
import dev.hnn.encoder.SmallModel;
import dev.hnn.head.HeadFile;
import dev.hnn.inference.Approximation;
import dev.hnn.inference.HeadCircuit;
import dev.hnn.inference.ServiceSpec;
import dev.hnn.model.TransformerEncoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * What the service tests serve, on INSECURE small rings (fast keys): the shipped sentiment head, and the small random
 * one-layer HE-form encoder of the encoder tests with bucket 16.
 */
final class ServiceFixture {
  static final HeadFile.Loaded HEAD_FILE = readHead();
  static final HeadCircuit CIRCUIT = HeadCircuit.of(HEAD_FILE, Approximation.DEFAULT);
  static final ServiceSpec HEAD_SPEC = ServiceSpec.insecureForTesting(CIRCUIT);
  static final TransformerEncoder MODEL = SmallModel.random(21, 1, true);
  static final HeadSpec ENCODER_HEAD = SmallModel.head(22);
  static final CircuitRanges RANGES = EncryptedEncoder.measureRanges(MODEL, ENCODER_HEAD,
      SmallModel.sentences(23, 16, 3, 16));

  private ServiceFixture() {}

  private static HeadFile.Loaded readHead() {
    try {
      return HeadFile.readDefault();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Offerings.Head head() {
    return new Offerings.Head("minilm-frozen", CIRCUIT, HEAD_SPEC);
  }

  static Offerings.Encoder encoder() {
    return new Offerings.Encoder("small-he", MODEL, ENCODER_HEAD, RANGES,
        EncryptedEncoder.Options.defaults().withBuckets(16), SmallModel.parameters());
  }

  /** A server on a free loopback port with both offerings and {@code limits}, keys in {@code dir}. */
  static HnnServer server(Path dir, ServiceLimits limits) throws IOException {
    return HnnServer.builder().host("127.0.0.1").port(0).keysDir(dir).limits(limits).head(head()).encoder(encoder())
        .build().start();
  }

  static ServiceLimits testLimits() {
    return ServiceLimits.defaults().withRate(10_000, 10_000);
  }

  static CkksContext headKeys() {
    return CkksContext.builder(HEAD_SPEC.parameters()).rotations(HEAD_SPEC.rotationSteps()).build();
  }

  static CkksContext encoderKeys() {
    return encoder().spec().generateKeys();
  }

  /** A feature vector around the head's training distribution (so pre-activations stay in the fitted ranges). */
  static float[] feature(Random rnd) {
    float[] mean = HEAD_FILE.head().mean();
    float[] std = HEAD_FILE.head().std();
    float[] f = new float[mean.length];
    for (int i = 0; i < f.length; i++) f[i] = (float) (mean[i] + 0.5 * std[i] * rnd.nextGaussian());
    return f;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  /** A random sentence of the small model's vocabulary: n token ids. */
  static int[] sentence(long seed, int n) {
    return SmallModel.sentences(seed, 1, n, n).get(0);
  }

  /** What the client sends the encoder: the embedded sentence (n x hidden). */
  static double[][] embedded(int[] ids) {
    return EncryptedEncoder.toDouble(MODEL.embeddings().forward(ids));
  }

  /** The small model's plaintext P(positive): its float forward, mean pooling and the head. */
  static double plainProbability(int[] ids) {
    dev.hnn.nn.Matrix out = MODEL.forward(ids);
    double[] pooled = new double[out.cols()];
    for (int t = 0; t < out.rows(); t++) for (int i = 0; i < pooled.length; i++) pooled[i] += out.get(t, i) / ids.length;
    return ENCODER_HEAD.probability(ENCODER_HEAD.logit(pooled));
  }
}
