package dev.hnn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.encoder.EncoderClient;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.inference.HeadClient;
import dev.hnn.service.proto.KeyRegistration;
import dev.hnn.service.proto.ServiceSpec;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on loopback: the head and the encoder end to end, restarts, concurrent clients, health, metrics. */
class ServiceEndToEndTest {
  private static CkksContext headKeys;
  private static CkksContext encoderKeys;

  @BeforeAll
  static void keys() {
    headKeys = ServiceFixture.headKeys();
    encoderKeys = ServiceFixture.encoderKeys();
  }

  @AfterAll
  static void close() {
    headKeys.close();
    encoderKeys.close();
  }

  private static String target(HnnServer s) {
    return "127.0.0.1:" + s.port();
  }

  @Test
  void theHeadClassifiesThroughTheServiceAsInPlaintext(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect(target(server))) {
      ServiceSpec spec = client.spec();
      dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(spec);
      assertEquals(ServiceFixture.HEAD_SPEC, head);
      KeyRegistration reg = client.registerKeys(head.id(), headKeys.serializePublic());
      assertEquals(64, reg.getKeyId().length());
      assertFalse(reg.getAlreadyRegistered());
      assertTrue(client.registerKeys(head.id(), headKeys.serializePublic()).getAlreadyRegistered(),
          "the same keys registered twice map to the same id");
      assertEquals(reg.getKeyId(), HnnClient.keyIdOf(headKeys.serializePublic()), "the id is derived from the keys");
      assertTrue(client.holdsKeys(reg.getKeyId()));
      assertEquals(reg.getKeyId(), client.ensureRegistered(head.id(), headKeys.serializePublic()));
      HeadClient hc = new HeadClient(head, headKeys);
      Random rnd = new Random(5);
      List<float[]> batch = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        float[] f = ServiceFixture.feature(rnd);
        batch.add(f);
        double p = client.classify(reg.getKeyId(), hc, f);
        assertEquals(ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(f)), p, 2e-3);
      }
      double[] ps = client.classifyBatch(reg.getKeyId(), hc, batch);
      assertEquals(3, ps.length);
      for (int i = 0; i < 3; i++)
        assertEquals(ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(batch.get(i))), ps[i], 2e-3);
      assertTrue(client.removeKeys(reg.getKeyId()));
      assertFalse(client.removeKeys(reg.getKeyId()));
      assertFalse(client.holdsKeys(reg.getKeyId()));
      HnnServiceException gone = assertThrows(HnnServiceException.class,
          () -> client.classify(reg.getKeyId(), hc, batch.get(0)));
      assertEquals(Status.Code.NOT_FOUND, gone.code());
    }
  }

  @Test
  void theEncoderRunsOverTheStreamAndLetsGoOfItsKeys(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect(target(server))) {
      EncoderSpec spec = HnnClient.encoderSpec(client.spec());
      assertEquals(ServiceFixture.encoder().spec(), spec);
      String keyId = client.registerKeys(spec.specId(), encoderKeys.serializePublic()).getKeyId();
      try (EncoderClient ec = new EncoderClient(encoderKeys, spec)) {
        for (int n : new int[] {5, 16}) {
          int[] ids = ServiceFixture.sentence(40 + n, n);
          EncoderClient.Outcome out = client.encode(keyId, ec, ServiceFixture.embedded(ids));
          assertEquals(16, out.bucket());
          assertEquals(n, out.tokens());
          assertEquals(ServiceFixture.plainProbability(ids), ServiceFixture.ENCODER_HEAD.probability(out.logit()),
              0.01);
          assertTrue(out.session().roundTrips() >= 1, "the small encoder needs a refresh");
        }
      }
      assertEquals(0, server.openSessions());
      assertEquals(0, server.leasedKeySets());
    }
  }

  @Test
  void registeredKeysSurviveARestart(@TempDir Path dir) throws Exception {
    String keyId;
    dev.hnn.inference.ServiceSpec head;
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect(target(server))) {
      head = HnnClient.headSpec(client.spec());
      keyId = client.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
    }
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect(target(server))) {
      float[] f = ServiceFixture.feature(new Random(9));
      double p = client.classify(keyId, new HeadClient(head, headKeys), f);
      assertEquals(ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(f)), p, 2e-3);
    }
  }

  @Test
  void concurrentClientsAllGetTheirOwnAnswers(@TempDir Path dir) throws Exception {
    ServiceLimits limits = ServiceFixture.testLimits().withEvaluations(2, 32);
    try (HnnServer server = ServiceFixture.server(dir, limits)) {
      dev.hnn.inference.ServiceSpec head;
      String keyId;
      try (HnnClient c = HnnClient.connect(target(server))) {
        head = HnnClient.headSpec(c.spec());
        keyId = c.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<double[]>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int seed = t;
          results.add(pool.submit(() -> {
            try (HnnClient c = HnnClient.connect(target(server))) {
              HeadClient hc = new HeadClient(head, headKeys);
              Random rnd = new Random(100 + seed);
              double[] diffs = new double[3];
              for (int i = 0; i < 3; i++) {
                float[] f = ServiceFixture.feature(rnd);
                diffs[i] = Math.abs(c.classify(keyId, hc, f)
                    - ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(f)));
              }
              return diffs;
            }
          }));
        }
        for (Future<double[]> r : results) for (double d : r.get()) assertTrue(d < 2e-3, "|dP| " + d);
      } finally {
        pool.shutdownNow();
      }
      assertTrue(server.metricsText().contains("hnn_calls_total{method=\"Classify\",status=\"OK\"} 12.0"),
          "the metrics count the 12 calls");
    }
  }

  @Test
  void healthAndMetricsEndpointsAnswer(@TempDir Path dir) throws Exception {
    try (HnnServer server = HnnServer.builder().host("127.0.0.1").port(0).keysDir(dir)
        .limits(ServiceFixture.testLimits()).head(ServiceFixture.head()).metrics("127.0.0.1", 0).build().start()) {
      ManagedChannel ch = ManagedChannelBuilder.forTarget(target(server)).usePlaintext().build();
      try {
        HealthCheckResponse h = HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.newBuilder()
            .setService("hnn.v1.Hnn").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, h.getStatus());
      } finally {
        ch.shutdownNow();
      }
      try (HnnClient c = HnnClient.connect(target(server))) {
        assertFalse(c.spec().hasEncoder(), "this server runs the head only");
        HnnServiceException e = assertThrows(HnnServiceException.class, () -> c.classify("ab", new byte[1]));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("hnn_calls_total{method=\"Classify\",status=\"INVALID_ARGUMENT\"} 1.0"), r.body());
      assertTrue(r.body().contains("hnn_evaluations_queued"));
    }
  }
}
