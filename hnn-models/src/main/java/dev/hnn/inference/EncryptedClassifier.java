package dev.hnn.inference;

import dev.hnn.ckks.CkksContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Client and server in one process, as {@code hnn classify} runs them: the client's keys come from a key
 * directory (generated once), the server gets only the public keys, and every request and response crosses
 * as bytes, so sizes and timings are those of a real two-process deployment minus the network.
 */
public final class EncryptedClassifier implements AutoCloseable {
  /** One classification: the probability and where the time and bytes went. */
  public record Result(double probability, long requestBytes, long responseBytes, long encryptNanos,
      long evaluateNanos, long decryptNanos) {}

  private final ServiceSpec spec;
  private final CkksContext clientContext;
  private final CkksContext serverContext;
  private final HeadClient client;
  private final HeadServer server;

  private EncryptedClassifier(HeadCircuit circuit, ServiceSpec spec, CkksContext clientContext, CkksContext serverContext) {
    this.spec = spec;
    this.clientContext = clientContext;
    this.serverContext = serverContext;
    this.client = new HeadClient(spec, clientContext);
    this.server = new HeadServer(circuit, spec, serverContext);
  }

  /** Uses the keys in {@code keys}, generating them first if they are missing or for another service. */
  public static EncryptedClassifier open(HeadCircuit circuit, KeyDirectory keys, Consumer<String> progress)
      throws IOException {
    Objects.requireNonNull(circuit, "circuit");
    ServiceSpec spec = ServiceSpec.of(circuit);
    CkksContext client = keys.holdsKeysFor(spec) ? keys.loadClient(spec) : keys.generate(spec, progress);
    try {
      CkksContext server = CkksContext.load(keys.publicKeyBytes());
      try {
        return new EncryptedClassifier(circuit, spec, client, server);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** With in-memory keys (tests and benchmarks): the server context is the client's public context, re-loaded. */
  public static EncryptedClassifier inMemory(HeadCircuit circuit, ServiceSpec spec, CkksContext clientContext) {
    CkksContext server = CkksContext.load(clientContext.serializePublic());
    try {
      return new EncryptedClassifier(circuit, spec, clientContext, server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public ServiceSpec spec() {
    return spec;
  }

  public HeadClient client() {
    return client;
  }

  public HeadServer server() {
    return server;
  }

  /** One sentence on the latency path. */
  public Result classify(float[] feature) {
    long t0 = System.nanoTime();
    byte[] request = client.encrypt(feature).toBytes();
    long t1 = System.nanoTime();
    byte[] response = server.handle(request);
    long t2 = System.nanoTime();
    double p = client.decrypt(response)[0];
    long t3 = System.nanoTime();
    return new Result(p, request.length, response.length, t1 - t0, t2 - t1, t3 - t2);
  }

  /**
   * Many sentences on the batch path, {@link ServiceSpec#batchCapacity()} per request; {@code progress} gets
   * the number of sentences done (estimated within a request from the server's steps).
   */
  public double[] classifyBatch(List<float[]> features, IntConsumer progress) {
    double[] out = new double[features.size()];
    int cap = spec.batchCapacity();
    for (int start = 0; start < features.size(); start += cap) {
      List<float[]> chunk = new ArrayList<>(features.subList(start, Math.min(features.size(), start + cap)));
      byte[] request = client.encryptBatch(chunk).toBytes();
      int base = start;
      EncryptedMessage response = server.evaluate(
          EncryptedMessage.fromBytes(request, EncryptedMessage.Direction.REQUEST, spec.inputDim(),
              Sizes.maxCiphertextBytes(spec.parameters())),
          (done, total) -> progress.accept(base + (int) ((long) chunk.size() * done / (total + 1))));
      double[] p = client.decrypt(response.toBytes());
      System.arraycopy(p, 0, out, start, p.length);
      progress.accept(start + chunk.size());
    }
    return out;
  }

  @Override
  public void close() {
    server.close();
    serverContext.close();
    clientContext.close();
  }
}
