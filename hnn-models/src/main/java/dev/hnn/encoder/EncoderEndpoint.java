package dev.hnn.encoder;

import dev.hnn.ckks.Bootstrapper;
import dev.hnn.ckks.CkksContext;
import dev.hnn.model.TransformerEncoder;
import dev.hnn.protocol.ProtocolLimits;
import dev.hnn.protocol.ServerDriver;
import dev.hnn.protocol.ServerSession;
import dev.hnn.protocol.Transport;
import dev.hnn.refresh.BootstrappingRefresher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server half of the encrypted encoder for one key set: the HE-form model, its ranges, the public keys (no
 * secret key) and the circuit of each bucket, built on first use and kept. Serves sessions over any
 * {@link Transport}; sessions may run concurrently (those of one bucket take turns on its circuit). Owns the
 * public context it is given.
 */
public final class EncoderEndpoint implements AutoCloseable {
  private final List<HeForm> forms;
  private final HeadSpec head;
  private final CircuitRanges ranges;
  private final EncryptedEncoder.Options options;
  private final CkksContext server;
  private final EncoderSpec spec;
  private final Map<Integer, EncoderCircuit> circuits = new ConcurrentHashMap<>();
  /** Non-interactive mode only (else null): the server's bootstrapper, shared by every circuit. */
  private final Bootstrapper bootstrapper;
  /** Non-interactive mode only (else null): how sessions refresh (each takes a copy with its own statistics). */
  private final BootstrappingRefresher bootstrapping;
  private final RefreshModel refresh;

  /**
   * @param publicKeys the client's public context (evaluation keys only); owned from here on
   */
  public EncoderEndpoint(TransformerEncoder model, HeadSpec head, CircuitRanges ranges, CkksContext publicKeys,
      EncryptedEncoder.Options options) {
    Objects.requireNonNull(model, "model");
    this.head = Objects.requireNonNull(head, "head");
    this.ranges = Objects.requireNonNull(ranges, "ranges");
    this.options = Objects.requireNonNull(options, "options");
    this.server = Objects.requireNonNull(publicKeys, "public keys");
    if (publicKeys.hasSecretKey()) throw new IllegalArgumentException("the server must hold public keys only");
    this.forms = EncryptedEncoder.forms(model);
    this.spec = EncryptedEncoder.spec(model, head, options, publicKeys.parameters());
    spec.checkKeys(publicKeys);
    EncryptedEncoder.Bootstrapping boot = options.bootstrapping();
    if (boot == null) {
      this.bootstrapper = null;
      this.bootstrapping = null;
      this.refresh = RefreshModel.clientAided(publicKeys, options.valueBound(), options.refreshCost());
    } else {
      // Fails here (MissingKeyException) when the client's keys lack the bootstrapping keys of these options.
      this.bootstrapper = Bootstrapper.create(publicKeys, boot.options());
      this.bootstrapping = new BootstrappingRefresher(bootstrapper);
      try {
        this.refresh = RefreshModel.bootstrapping(bootstrapping, options.valueBound(), publicKeys.scale(),
            boot.costPerBootstrap());
      } catch (RuntimeException e) {
        bootstrapper.close();
        throw e;
      }
    }
  }

  public EncoderSpec spec() {
    return spec;
  }

  public String keyId() {
    return server.keyId();
  }

  /** A driver for one session (it keeps that session's timings). */
  EncoderServer driver(long maxRefreshBytes, EncoderCircuit.StepListener listener) {
    return new EncoderServer(server, spec.modelId(), spec.buckets(), this::circuit, bootstrapping, maxRefreshBytes,
        listener);
  }

  /** A driver for one session whose refresh round trips stay within {@code limits}' frame size. */
  public ServerDriver driver(ProtocolLimits limits) {
    return driver(refreshBytes(limits), null);
  }

  /** Serves one session over {@code transport} on the calling thread, until its result or failure. */
  public void serve(Transport transport, ProtocolLimits limits, Duration timeout) {
    new ServerSession(transport, limits, timeout).run(driver(limits));
  }

  /** The most ciphertext bytes one refresh round trip may carry within the frame limit (1 MiB of headroom). */
  static long refreshBytes(ProtocolLimits limits) {
    return limits.maxFrameBytes() - (1 << 20);
  }

  /** The circuit of a bucket (built on first use). */
  EncoderCircuit circuit(int bucket) {
    if (!spec.serves(bucket)) throw new IllegalArgumentException("bucket " + bucket + " is not served");
    return circuits.computeIfAbsent(bucket, b -> new EncoderCircuit(server, forms, head, ranges, b,
        options.valueBound(), options.lnTolerance(), options.lnWiden(), options.headDegree(), options.placement(),
        refresh));
  }

  @Override
  public void close() {
    try {
      circuits.values().forEach(EncoderCircuit::close);
      circuits.clear();
      if (bootstrapper != null) bootstrapper.close();
    } finally {
      server.close();
    }
  }
}
