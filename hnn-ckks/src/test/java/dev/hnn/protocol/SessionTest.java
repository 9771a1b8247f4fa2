package dev.hnn.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Client and server sessions over an in-process transport: the normal flow, and every way to break it. */
@Timeout(10)
class SessionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final ProtocolLimits LIMITS = ProtocolLimits.DEFAULTS;

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final InProcessTransport.Pair link = InProcessTransport.pair(4, Duration.ofSeconds(2));

  @AfterEach
  void tearDown() {
    link.client().close();
    link.server().close();
    pool.shutdownNow();
  }

  /** The fake client refresh: a deterministic function of the step and the bytes (reverse, xor, tag). */
  static byte[] fakeRefresh(String step, byte[] b) {
    byte[] out = new byte[b.length + 1];
    for (int i = 0; i < b.length; i++) out[i] = (byte) (b[b.length - 1 - i] ^ 0x5A);
    out[b.length] = (byte) step.hashCode();
    return out;
  }

  static final BlobReencryptor FAKE = (step, masked) -> {
    List<byte[]> out = new ArrayList<>();
    for (byte[] b : masked) out.add(fakeRefresh(step, b));
    return out;
  };

  /** The fake server computation: mask (append the step index) before each refresh. */
  static byte[] mask(byte[] b, int k) {
    byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
    out[b.length] = (byte) k;
    return out;
  }

  /** A driver that asks for {@code refreshes} refreshes of the whole state, then returns it. */
  static ServerDriver driver(int refreshes, List<List<byte[]>> seenInputs) {
    return (header, input, refresher) -> {
      seenInputs.add(input);
      List<byte[]> state = input;
      for (int k = 0; k < refreshes; k++) {
        List<byte[]> masked = new ArrayList<>();
        for (byte[] b : state) masked.add(mask(b, k));
        state = refresher.refresh("layer" + k + ".ffn", masked);
      }
      return state;
    };
  }

  static List<byte[]> expected(List<byte[]> input, int refreshes) {
    List<byte[]> state = input;
    for (int k = 0; k < refreshes; k++) {
      List<byte[]> next = new ArrayList<>();
      for (byte[] b : state) next.add(fakeRefresh("layer" + k + ".ffn", mask(b, k)));
      state = next;
    }
    return state;
  }

  static List<byte[]> input(long seed, int n) {
    return Frames.blobs(new Random(seed), n, 300).toList();
  }

  private Future<?> serve(ServerSession server, ServerDriver driver) {
    return pool.submit(() -> server.run(driver));
  }

  private static ProtocolException failure(ErrorCode code, Executable e) {
    ProtocolException x = assertThrows(ProtocolException.class, e);
    assertEquals(code, x.code(), x.getMessage());
    return x;
  }

  /** The server side's failure, from its future. */
  private static ProtocolException serverFailure(Future<?> f, ErrorCode code) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(code, p.code(), p.getMessage());
    return p;
  }

  private static void assertBlobsEqual(List<byte[]> want, List<byte[]> got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i), got.get(i), "blob " + i);
  }

  @Test
  void threeRefreshesThenResult() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    List<List<byte[]>> seen = new ArrayList<>();
    Future<?> f = serve(server, driver(3, seen));
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    List<byte[]> in = input(7, 5);
    List<byte[]> result = client.run(Frames.HEADER, in, FAKE);
    f.get(5, TimeUnit.SECONDS);

    assertBlobsEqual(expected(in, 3), result);
    assertBlobsEqual(in, seen.get(0));
    assertEquals(ClientSession.State.DONE, client.state());
    assertEquals(ServerSession.State.DONE, server.state());
    assertEquals(client.sessionId(), server.sessionId());
    SessionStats c = client.stats();
    SessionStats s = server.stats();
    assertEquals(3, c.roundTrips());
    assertEquals(3, s.roundTrips());
    assertEquals(5, c.framesSent(), "OPEN, 3 REFRESH_RESPONSE, CLOSE");
    assertEquals(4, s.framesSent(), "3 REFRESH_REQUEST, RESULT");
    assertEquals(c.framesSent(), s.framesReceived());
    assertEquals(s.framesSent(), c.framesReceived());
    assertEquals(c.bytesSent(), s.bytesReceived());
    assertEquals(s.bytesSent(), c.bytesReceived());
    long inputBytes = in.stream().mapToLong(b -> b.length).sum();
    assertTrue(c.bytesSent() > inputBytes, c.toString());
  }

  @Test
  void largeInputIsSplitIntoLayerData() throws Exception {
    ProtocolLimits small = LIMITS.withMaxBlobsPerMessage(2).withMaxFrameBytes(1000);
    ServerSession server = new ServerSession(link.server(), small, TIMEOUT);
    List<List<byte[]>> seen = new ArrayList<>();
    // Only the input may span frames: the driver refreshes and returns two blobs at a time.
    Future<?> f = serve(server, (h, input, refresher) -> {
      seen.add(input);
      return refresher.refresh("layer0.ffn", List.of(mask(input.get(0), 0), mask(input.get(8), 0)));
    });
    ClientSession client = new ClientSession(link.client(), small, TIMEOUT);
    List<byte[]> in = input(8, 9);
    List<byte[]> result = client.run(Frames.HEADER, in, FAKE);
    f.get(5, TimeUnit.SECONDS);
    assertBlobsEqual(in, seen.get(0));
    assertBlobsEqual(expected(List.of(in.get(0), in.get(8)), 1), result);
    assertTrue(client.stats().framesSent() >= 1 + 4 + 1 + 1, "OPEN, >= 4 LAYER_DATA, a response, CLOSE: "
        + client.stats());
  }

  @Test
  void roundTripLimitStopsBothSides() throws Exception {
    ProtocolLimits two = LIMITS.withMaxRoundTrips(2);
    ServerSession server = new ServerSession(link.server(), two, TIMEOUT);
    Future<?> f = serve(server, driver(3, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), two, TIMEOUT);
    ProtocolException c = failure(ErrorCode.LIMIT_EXCEEDED, () -> client.run(Frames.HEADER, input(9, 2), FAKE));
    assertTrue(c.remote());
    assertFalse(serverFailure(f, ErrorCode.LIMIT_EXCEEDED).remote());
    assertEquals(2, server.stats().roundTrips());
    assertEquals(ServerSession.State.FAILED, server.state());
    assertEquals(ClientSession.State.FAILED, client.state());
  }

  @Test
  void clientEnforcesItsOwnRoundTripLimit() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, driver(3, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), LIMITS.withMaxRoundTrips(2), TIMEOUT);
    ProtocolException c = failure(ErrorCode.LIMIT_EXCEEDED, () -> client.run(Frames.HEADER, input(9, 2), FAKE));
    assertFalse(c.remote());
    assertTrue(serverFailure(f, ErrorCode.LIMIT_EXCEEDED).remote());
  }

  @Test
  void serverRefusesAtOpen() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    ServerDriver refusing = new ServerDriver() {
      @Override
      public void admit(SessionId session, OpenHeader header) {
        throw new ProtocolException(ErrorCode.INCOMPATIBLE, "unknown model " + header.modelId());
      }

      @Override
      public List<byte[]> evaluate(OpenHeader header, List<byte[]> input, Refresher refresher) {
        throw new AssertionError("not admitted");
      }
    };
    Future<?> f = serve(server, refusing);
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    ProtocolException c = failure(ErrorCode.INCOMPATIBLE, () -> client.run(Frames.HEADER, input(1, 1), FAKE));
    assertTrue(c.remote() && c.getMessage().contains("unknown model minilm-l6.sst2"), c.getMessage());
    serverFailure(f, ErrorCode.INCOMPATIBLE);
  }

  @Test
  void handlerFailuresReachThePeerWithoutTheirMessage() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, (h, in, r) -> {
      throw new IllegalStateException("secret 0xDEADBEEF");
    });
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    ProtocolException c = failure(ErrorCode.INTERNAL, () -> client.run(Frames.HEADER, input(1, 1), FAKE));
    assertFalse(c.getMessage().contains("DEADBEEF"), c.getMessage());
    ProtocolException s = serverFailure(f, ErrorCode.INTERNAL);
    assertInstanceOf(IllegalStateException.class, s.getCause(), "the local exception keeps the cause");
  }

  @Test
  void reencryptorMustAnswerEveryBlob() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, driver(1, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    failure(ErrorCode.INTERNAL, () -> client.run(Frames.HEADER, input(2, 3), (step, m) -> m.subList(0, 1)));
    assertTrue(serverFailure(f, ErrorCode.INTERNAL).remote());
  }

  @Test
  void unsupportedSessionVersion() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, driver(0, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    OpenHeader v2 = new OpenHeader(2, "s", "k", "m", 8, 8);
    assertTrue(failure(ErrorCode.UNSUPPORTED_VERSION, () -> client.run(v2, input(1, 1), FAKE)).remote());
    serverFailure(f, ErrorCode.UNSUPPORTED_VERSION);
  }

  // ----------------------------------------------------------------- a scripted peer against a real session

  /** One end driven by hand: raw messages or raw frames. */
  private static final class Raw {
    final Transport t;

    Raw(Transport t) {
      this.t = t;
    }

    void send(Message m) {
      t.send(FrameCodec.encode(m, LIMITS));
    }

    Message receive() {
      return FrameCodec.decode(t.receive(TIMEOUT), LIMITS);
    }

    Message.ErrorReport receiveError(ErrorCode code) {
      Message m = receive();
      Message.ErrorReport e = assertInstanceOf(Message.ErrorReport.class, m);
      assertEquals(code, e.code(), e.message());
      return e;
    }
  }

  private Future<?> scriptedClientAgainstServer(ServerDriver driver, Consumer<Raw> script) {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, driver);
    script.accept(new Raw(link.client()));
    return f;
  }

  private static Message.Open open() {
    return new Message.Open(Frames.ID, Frames.HEADER, 1, BlobList.of(new byte[] {1, 2}));
  }

  @Test
  void serverRejectsWrongSessionId() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(1, new ArrayList<>()), raw -> {
      raw.send(open());
      Message.RefreshRequest q = assertInstanceOf(Message.RefreshRequest.class, raw.receive());
      raw.send(new Message.RefreshResponse(new SessionId(1, 2), q.sequence(), BlobList.of(new byte[] {3})));
      raw.receiveError(ErrorCode.WRONG_SESSION);
    });
    serverFailure(f, ErrorCode.WRONG_SESSION);
  }

  @Test
  void serverRejectsAResponseToAnotherRequest() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(1, new ArrayList<>()), raw -> {
      raw.send(open());
      Message.RefreshRequest q = assertInstanceOf(Message.RefreshRequest.class, raw.receive());
      assertEquals(1, q.sequence());
      raw.send(new Message.RefreshResponse(Frames.ID, q.sequence() + 1, BlobList.of(new byte[] {3})));
      raw.receiveError(ErrorCode.BAD_SEQUENCE);
    });
    serverFailure(f, ErrorCode.BAD_SEQUENCE);
  }

  @Test
  void serverRejectsOutOfOrderLayerData() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(0, new ArrayList<>()), raw -> {
      raw.send(new Message.Open(Frames.ID, Frames.HEADER, 3, BlobList.of(new byte[] {1})));
      raw.send(new Message.LayerData(Frames.ID, 2, BlobList.of(new byte[] {2})));
      raw.receiveError(ErrorCode.BAD_SEQUENCE);
    });
    serverFailure(f, ErrorCode.BAD_SEQUENCE);
  }

  @Test
  void sessionMustStartWithOpen() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(0, new ArrayList<>()), raw -> {
      raw.send(new Message.RefreshResponse(Frames.ID, 1, BlobList.of(new byte[] {3})));
      raw.receiveError(ErrorCode.UNEXPECTED_MESSAGE);
    });
    serverFailure(f, ErrorCode.UNEXPECTED_MESSAGE);
  }

  @Test
  void onlyCloseMayFollowTheResult() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(0, new ArrayList<>()), raw -> {
      raw.send(open());
      assertInstanceOf(Message.Result.class, raw.receive());
      raw.send(new Message.RefreshResponse(Frames.ID, 1, BlobList.of(new byte[] {3})));
      raw.receiveError(ErrorCode.UNEXPECTED_MESSAGE);
    });
    serverFailure(f, ErrorCode.UNEXPECTED_MESSAGE);
  }

  @Test
  void garbageFromTheClientEndsTheSession() throws Exception {
    Future<?> f = scriptedClientAgainstServer(driver(0, new ArrayList<>()), raw -> {
      byte[] frame = FrameCodec.encode(open(), LIMITS);
      frame[6] = 42;  // unknown type
      raw.t.send(frame);
    });
    serverFailure(f, ErrorCode.MALFORMED);
    // No session id could be read, so no ERROR: the transport is simply closed.
    failure(ErrorCode.CLOSED, () -> link.client().receive(TIMEOUT));
  }

  /** A scripted server against a real client. */
  private ClientSession clientAgainst(Consumer<Raw> script, ErrorCode clientCode) throws Exception {
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT, Frames.ID);
    Future<?> f = pool.submit(() -> client.run(Frames.HEADER, input(3, 1), FAKE));
    Raw raw = new Raw(link.server());
    assertInstanceOf(Message.Open.class, raw.receive());
    script.accept(raw);
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    ProtocolException p = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(clientCode, p.code(), p.getMessage());
    assertEquals(ClientSession.State.FAILED, client.state());
    return client;
  }

  @Test
  void clientRejectsSkippedSequenceNumbers() throws Exception {
    clientAgainst(raw -> {
      raw.send(new Message.Result(Frames.ID, 2, BlobList.of(new byte[] {1})));
      raw.receiveError(ErrorCode.BAD_SEQUENCE);
    }, ErrorCode.BAD_SEQUENCE);
  }

  @Test
  void clientRejectsRepeatedRequests() throws Exception {
    clientAgainst(raw -> {
      raw.send(new Message.RefreshRequest(Frames.ID, 1, "a", BlobList.of(new byte[] {1})));
      assertInstanceOf(Message.RefreshResponse.class, raw.receive());
      raw.send(new Message.RefreshRequest(Frames.ID, 1, "a", BlobList.of(new byte[] {1})));
      raw.receiveError(ErrorCode.BAD_SEQUENCE);
    }, ErrorCode.BAD_SEQUENCE);
  }

  @Test
  void clientFailsWhenTheServerClosesBeforeTheResult() throws Exception {
    clientAgainst(raw -> raw.send(new Message.Close(Frames.ID, 0)), ErrorCode.CLOSED);
  }

  @Test
  void clientRejectsAnUnknownTypeByte() throws Exception {
    clientAgainst(raw -> {
      byte[] frame = Frames.frame(MessageType.CLOSE, 1, new byte[0]);
      frame[6] = 42;
      raw.t.send(frame);
      raw.receiveError(ErrorCode.MALFORMED);
    }, ErrorCode.MALFORMED);
  }

  @Test
  void clientRejectsClientMessagesFromTheServer() throws Exception {
    clientAgainst(raw -> {
      raw.send(new Message.LayerData(Frames.ID, 1, BlobList.of(new byte[] {1})));
      raw.receiveError(ErrorCode.UNEXPECTED_MESSAGE);
    }, ErrorCode.UNEXPECTED_MESSAGE);
  }

  // ------------------------------------------------------------------------------------------------- timeouts

  @Test
  void clientTimesOutWhenTheServerIsSilent() {
    ClientSession client = new ClientSession(link.client(), LIMITS, Duration.ofMillis(200), Frames.ID);
    long t0 = System.nanoTime();
    ProtocolException e = failure(ErrorCode.TIMEOUT, () -> client.run(Frames.HEADER, input(4, 2), FAKE));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 150 && ms < 2000, ms + " ms");
    assertFalse(e.remote());
    assertEquals(ClientSession.State.FAILED, client.state());
    // The server end sees the OPEN, the client's ERROR, then the close: the client released the transport.
    Raw raw = new Raw(link.server());
    assertInstanceOf(Message.Open.class, raw.receive());
    raw.receiveError(ErrorCode.TIMEOUT);
    failure(ErrorCode.CLOSED, () -> link.server().receive(TIMEOUT));
    failure(ErrorCode.CLOSED, () -> link.client().send(new byte[] {1}));
  }

  @Test
  void serverTimesOutWaitingForARefresh() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, Duration.ofMillis(200));
    Future<?> f = serve(server, driver(1, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    BlobReencryptor slow = (step, masked) -> {
      try {
        Thread.sleep(600);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FAKE.reencrypt(step, masked);
    };
    ProtocolException c = failure(ErrorCode.TIMEOUT, () -> client.run(Frames.HEADER, input(5, 1), slow));
    assertTrue(c.remote(), "the client reports the server's ERROR, not just the closed transport");
    assertFalse(serverFailure(f, ErrorCode.TIMEOUT).remote());
    assertEquals(ServerSession.State.FAILED, server.state());
  }

  @Test
  void serverTimesOutWithoutOpen() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, Duration.ofMillis(100));
    Future<?> f = serve(server, driver(0, new ArrayList<>()));
    serverFailure(f, ErrorCode.TIMEOUT);
    assertEquals(null, server.sessionId());
  }

  @Test
  void sessionsRunOnce() throws Exception {
    ServerSession server = new ServerSession(link.server(), LIMITS, TIMEOUT);
    Future<?> f = serve(server, driver(0, new ArrayList<>()));
    ClientSession client = new ClientSession(link.client(), LIMITS, TIMEOUT);
    client.run(Frames.HEADER, input(6, 1), FAKE);
    f.get(5, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, () -> client.run(Frames.HEADER, input(6, 1), FAKE));
    assertThrows(IllegalStateException.class, () -> server.run(driver(0, new ArrayList<>())));
  }
}
