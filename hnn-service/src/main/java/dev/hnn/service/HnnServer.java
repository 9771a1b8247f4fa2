package dev.hnn.service;

import dev.hnn.encoder.EncoderSpec;
import dev.hnn.service.proto.HeadSpec;
import dev.hnn.service.proto.Limits;
import dev.hnn.service.proto.ServiceSpec;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * HNN's encrypted-inference server: the {@code hnn.v1.Hnn} gRPC service, the standard health service (server
 * reflection stays off), limits on message sizes, evaluations, key sets and sessions, optional TLS or mutual TLS,
 * and an optional Prometheus endpoint. {@link #close()} shuts down gracefully: new calls are refused, running
 * evaluations get {@link ServiceLimits#shutdownGrace()} to finish.
 *
 * <pre>{@code
 * try (HnnServer s = HnnServer.builder().port(7443).keysDir(Path.of("/var/lib/hnn/keys"))
 *     .head(head).encoder(encoder).build().start()) {
 *   s.awaitTermination();
 * }
 * }</pre>
 */
public final class HnnServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HnnServer.class.getName());
  public static final String VERSION = "hnn-service/0.1";

  private final Builder config;
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final HealthStatusManager health = new HealthStatusManager();
  private KeyStore store;
  private KeyCache cache;
  private Evaluations evaluations;
  private ScheduledExecutorService timers;
  private HnnGrpcService service;
  private Server server;
  private int metricsPort = -1;

  private HnnServer(Builder b) {
    this.config = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds and starts serving. */
  public HnnServer start() throws IOException {
    Offerings.Head head = config.head;
    Offerings.Encoder encoder = config.encoder;
    if (head == null && encoder == null) throw new IllegalStateException("the server needs a head or an encoder to run");
    ServiceLimits limits = config.limits;
    store = new KeyStore(config.keysDir, limits,
        (specId, keys) -> HnnGrpcService.checkKeys(head, encoder, specId, keys));
    cache = new KeyCache(store, (specId, keys) -> HnnGrpcService.open(head, encoder, specId, keys),
        limits.maxLoadedKeySets());
    evaluations = new Evaluations(limits.maxConcurrentEvaluations(), limits.maxQueuedEvaluations());
    timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hnn-session-timer");
      t.setDaemon(true);
      return t;
    });
    service = new HnnGrpcService(spec(head, encoder, limits), head, encoder, limits, store, cache, evaluations, timers);
    metrics.gauge("hnn_evaluations_running", "evaluations running", evaluations::running);
    metrics.gauge("hnn_evaluations_queued", "evaluations waiting for a slot", evaluations::queued);
    metrics.gauge("hnn_key_sets_registered", "key sets on disk", store::count);
    metrics.gauge("hnn_key_sets_loaded", "key sets in memory", cache::loaded);
    metrics.gauge("hnn_encoder_sessions_open", "encrypted-encoder sessions running", service::openSessions);
    metrics.gauge("hnn_in_flight_request_bytes", "streamed batch request bytes held", service::inFlightBytes);
    ServerCredentials creds = config.credentials != null ? config.credentials : InsecureServerCredentials.create();
    var sb = Grpc.newServerBuilderForPort(config.port, creds);
    if (config.host != null) {
      sb = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
          new InetSocketAddress(config.host, config.port), creds);
    }
    server = sb.maxInboundMessageSize((int) limits.maxMessageBytes())
        .maxInboundMetadataSize(16 << 10)
        .handshakeTimeout(20, TimeUnit.SECONDS)
        .addService(ServerInterceptors.intercept(service, metrics.interceptor()))
        .addService(health.getHealthService())
        .build()
        .start();
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus("hnn.v1.Hnn", HealthCheckResponse.ServingStatus.SERVING);
    if (config.metricsPort >= 0) metricsPort = metrics.serve(config.metricsHost, config.metricsPort);
    LOG.info(() -> "serving on port " + port() + (config.credentials != null ? " (TLS)" : " (plaintext)")
        + ", keys in " + config.keysDir);
    return this;
  }

  /** The bound port (the one asked for, or the one chosen for port 0). */
  public int port() {
    return server.getPort();
  }

  /** The metrics endpoint's port, or -1 if none. */
  public int metricsPort() {
    return metricsPort;
  }

  /** The metrics in Prometheus' text format. */
  public String metricsText() {
    return metrics.scrape();
  }

  /** Key sets loaded in memory and leases held on them (tests check that a finished session let go). */
  int loadedKeySets() {
    return cache.loaded();
  }

  int leasedKeySets() {
    return cache.leased();
  }

  int openSessions() {
    return service.openSessions();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** What GetServiceSpec answers. */
  static ServiceSpec spec(Offerings.Head head, Offerings.Encoder encoder, ServiceLimits limits) {
    ServiceSpec.Builder b = ServiceSpec.newBuilder().setServerVersion(VERSION);
    if (head != null)
      b.setHead(HeadSpec.newBuilder().setModel(head.model()).setSpecId(head.spec().id())
          .setSpecJson(head.spec().toJson()));
    if (encoder != null) {
      EncoderSpec s = encoder.spec();
      var e = dev.hnn.service.proto.EncoderSpec.newBuilder().setModel(encoder.model()).setSpecId(s.specId())
          .setModelId(s.modelId()).setHidden(s.hidden())
          .setParameters(com.google.protobuf.ByteString.copyFrom(s.parameters().serialize()))
          .setParametersText(s.parameters().toString());
      for (int x : s.buckets()) e.addBuckets(x);
      for (int x : s.rotationSteps()) e.addRotationSteps(x);
      b.setEncoder(e);
    }
    b.setLimits(Limits.newBuilder().setMaxMessageBytes(limits.maxMessageBytes()).setMaxKeyBytes(limits.maxKeyBytes())
        .setMaxKeySets(limits.maxKeySets()).setMaxBatch(head == null ? 0 : head.spec().batchCapacity())
        .setMaxConcurrentEvaluations(limits.maxConcurrentEvaluations())
        .setMaxQueuedEvaluations(limits.maxQueuedEvaluations())
        .setRequestsPerSecondPerKey(limits.requestsPerSecondPerKey())
        .setSessionTimeoutMillis(limits.sessionTimeout().toMillis()).setMaxInFlightBytes(limits.maxInFlightBytes()));
    return b.build();
  }

  /**
   * Graceful shutdown: health turns NOT_SERVING, new calls are refused, running and queued evaluations get the
   * grace period, then everything stops and every loaded key set is freed.
   */
  @Override
  public void close() {
    if (server == null) return;
    health.enterTerminalState();
    server.shutdown();
    Duration grace = config.limits.shutdownGrace();
    try {
      evaluations.shutdown(grace);
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      evaluations.close();
      timers.shutdownNow();
      cache.close();
      metrics.stop();
    }
  }

  /** Server configuration. */
  public static final class Builder {
    private int port = 7443;
    private String host;
    private Path keysDir;
    private ServiceLimits limits = ServiceLimits.defaults();
    private Offerings.Head head;
    private Offerings.Encoder encoder;
    private ServerCredentials credentials;
    private int metricsPort = -1;
    private String metricsHost = "127.0.0.1";

    private Builder() {}

    /** Port to listen on (0: any free port). */
    public Builder port(int p) {
      if (p < 0 || p > 65535) throw new IllegalArgumentException("port out of range: " + p);
      this.port = p;
      return this;
    }

    /** Address to bind (default: every interface). */
    public Builder host(String h) {
      this.host = h;
      return this;
    }

    /** Where registered key sets live (created if missing; kept across restarts). */
    public Builder keysDir(Path d) {
      this.keysDir = d;
      return this;
    }

    public Builder limits(ServiceLimits l) {
      this.limits = Objects.requireNonNull(l);
      return this;
    }

    public Builder head(Offerings.Head h) {
      this.head = h;
      return this;
    }

    public Builder encoder(Offerings.Encoder e) {
      this.encoder = e;
      return this;
    }

    /** TLS from PEM files; with {@code clientCa}, clients must present a certificate it signed (mutual TLS). */
    public Builder tls(File certChain, File privateKey, File clientCa) throws IOException {
      TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(certChain, privateKey);
      if (clientCa != null) b.trustManager(clientCa).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      this.credentials = b.build();
      return this;
    }

    /** Any gRPC server credentials (e.g. TLS from key managers). */
    public Builder credentials(ServerCredentials c) {
      this.credentials = c;
      return this;
    }

    /** Serves Prometheus metrics at http://host:port/metrics (port 0: any free port; default: off). */
    public Builder metrics(String host, int port) {
      this.metricsHost = Objects.requireNonNull(host);
      this.metricsPort = port;
      return this;
    }

    public HnnServer build() {
      if (keysDir == null) throw new IllegalStateException("the server needs a keys directory");
      return new HnnServer(this);
    }
  }
}
