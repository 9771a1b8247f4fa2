package dev.hnn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hnn.ckks.CkksContext;
import dev.hnn.encoder.EncoderClient;
import dev.hnn.encoder.EncoderSpec;
import dev.hnn.inference.HeadClient;
import dev.hnn.protocol.Transport;
import io.grpc.Status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that go away mid-session, a full server, the per-key rate and session timeouts. */
class ServiceFaultTest {
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

  /**
   * A transport that hands the client's session the server's frames until the first refresh request arrives, then
   * waits for {@code release} and gives up (the session fails, as a client whose process died).
   */
  private static Transport stallingAtFirstRefresh(Transport t, CountDownLatch stalled, CountDownLatch release) {
    return new Transport() {
      @Override
      public void send(byte[] frame) {
        t.send(frame);
      }

      @Override
      public byte[] receive(Duration timeout) {
        t.receive(timeout); // the first frame from the server is its first refresh request
        stalled.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the client went away");
      }

      @Override
      public void close() {
        t.close();
      }
    };
  }

  /**
   * Runs an encoder session on the open stream {@code s} whose client stalls at the server's first refresh request until
   * {@code release}; returns the client's thread once the server has asked.
   */
  private static Thread stalledSession(EncoderSpec spec, HnnClient.SessionStream s,
      long seed, CountDownLatch release) throws InterruptedException {
    CountDownLatch stalled = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try (EncoderClient ec = new EncoderClient(encoderKeys, spec)) {
        ec.classify(ServiceFixture.embedded(ServiceFixture.sentence(seed, 9)), stallingAtFirstRefresh(s.transport(),
            stalled, release));
      } catch (RuntimeException expected) {
        // the client gave up
      }
    });
    t.start();
    assertTrue(stalled.await(60, TimeUnit.SECONDS), "the server asked for a refresh");
    return t;
  }

  private static void awaitIdle(HnnServer server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((server.openSessions() > 0 || server.leasedKeySets() > 0) && System.nanoTime() < deadline)
      Thread.sleep(20);
  }

  @Test
  void aClientThatDisconnectsMidSessionFreesItsSessionAndKeys(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits());
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      EncoderSpec spec = HnnClient.encoderSpec(client.spec());
      String keyId = client.registerKeys(spec.specId(), encoderKeys.serializePublic()).getKeyId();
      CountDownLatch release = new CountDownLatch(1);
      HnnClient.SessionStream s = client.openSession(keyId);
      Thread t = stalledSession(spec, s, 3, release);
      assertEquals(1, server.openSessions());
      assertEquals(1, server.leasedKeySets());
      s.cancel().run(); // the connection drops mid-session
      release.countDown();
      t.join();
      awaitIdle(server);
      assertEquals(0, server.openSessions(), "the session ended");
      assertEquals(0, server.leasedKeySets(), "its key set was let go");
      // and the server serves the next client as before
      try (EncoderClient ec = new EncoderClient(encoderKeys, spec)) {
        int[] ids = ServiceFixture.sentence(4, 7);
        EncoderClient.Outcome out = client.encode(keyId, ec, ServiceFixture.embedded(ids));
        assertEquals(ServiceFixture.plainProbability(ids), ServiceFixture.ENCODER_HEAD.probability(out.logit()), 0.01);
      }
    }
  }

  @Test
  void aFullServerRefusesWithResourceExhaustedAndRecovers(@TempDir Path dir) throws Exception {
    ServiceLimits limits = ServiceFixture.testLimits().withEvaluations(1, 0);
    try (HnnServer server = ServiceFixture.server(dir, limits);
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      EncoderSpec spec = HnnClient.encoderSpec(client.spec());
      String encKey = client.registerKeys(spec.specId(), encoderKeys.serializePublic()).getKeyId();
      dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(client.spec());
      String headKey = client.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
      CountDownLatch release = new CountDownLatch(1);
      HnnClient.SessionStream s = client.openSession(encKey);
      Thread t = stalledSession(spec, s, 5, release);
      HeadClient hc = new HeadClient(head, headKeys);
      float[] f = ServiceFixture.feature(new Random(1));
      HnnServiceException busy = assertThrows(HnnServiceException.class, () -> client.classify(headKey, hc, f));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, busy.code());
      s.cancel().run();
      release.countDown();
      t.join();
      awaitIdle(server);
      assertEquals(ServiceFixture.CIRCUIT.approximateProbability(ServiceFixture.toDouble(f)),
          client.classify(headKey, hc, f), 2e-3);
    }
  }

  @Test
  void aKeyOverItsRateIsRefused(@TempDir Path dir) throws Exception {
    try (HnnServer server = ServiceFixture.server(dir, ServiceFixture.testLimits().withRate(0.01, 2));
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      dev.hnn.inference.ServiceSpec head = HnnClient.headSpec(client.spec());
      String keyId = client.registerKeys(head.id(), headKeys.serializePublic()).getKeyId();
      HeadClient hc = new HeadClient(head, headKeys);
      float[] f = ServiceFixture.feature(new Random(2));
      client.classify(keyId, hc, f);
      client.classify(keyId, hc, f);
      HnnServiceException e = assertThrows(HnnServiceException.class, () -> client.classify(keyId, hc, f));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
      assertTrue(e.getMessage().contains("rate"), e.getMessage());
    }
  }

  @Test
  void aSilentClientTimesOut(@TempDir Path dir) throws Exception {
    ServiceLimits limits = ServiceFixture.testLimits().withSessionTimeout(Duration.ofMillis(500), Duration.ofMinutes(5));
    try (HnnServer server = ServiceFixture.server(dir, limits);
        HnnClient client = HnnClient.connect("127.0.0.1:" + server.port())) {
      EncoderSpec spec = HnnClient.encoderSpec(client.spec());
      String keyId = client.registerKeys(spec.specId(), encoderKeys.serializePublic()).getKeyId();
      CountDownLatch release = new CountDownLatch(1);
      HnnClient.SessionStream s = client.openSession(keyId);
      Thread t = stalledSession(spec, s, 6, release);
      awaitIdle(server); // the client never answers: the server gives up after the session timeout
      assertEquals(0, server.openSessions());
      assertEquals(0, server.leasedKeySets());
      release.countDown();
      t.join();
      assertTrue(server.metricsText().contains("method=\"EncryptedEncoderSession\",status=\"DEADLINE_EXCEEDED\""),
          server.metricsText());
    }
  }
}
