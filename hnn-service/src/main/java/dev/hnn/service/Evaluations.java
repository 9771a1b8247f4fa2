package dev.hnn.service;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where evaluations run: a fixed number of threads (each evaluation uses the engine's own threads inside) and a
 * bounded queue. A call that finds the queue full is refused with RESOURCE_EXHAUSTED at once instead of waiting
 * without bound, so a burst cannot pile up requests (and their ciphertexts) in memory.
 */
final class Evaluations implements AutoCloseable {
  private final ThreadPoolExecutor pool;
  private final int queueLimit;

  Evaluations(int threads, int queued) {
    AtomicInteger n = new AtomicInteger();
    // A zero-length queue is not allowed by ArrayBlockingQueue: 0 queued means a queue of 1 that is never used.
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(Math.max(1, queued)), r -> {
          Thread t = new Thread(r, "hnn-evaluation-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.queueLimit = queued;
  }

  /** Runs {@code task} when a slot is free; throws RESOURCE_EXHAUSTED if the queue is full. */
  void submit(Runnable task) {
    synchronized (this) {
      if (pool.isShutdown()) throw ServiceException.precondition("the server is shutting down");
      if (pool.getActiveCount() >= pool.getMaximumPoolSize() && pool.getQueue().size() >= queueLimit)
        throw ServiceException.exhausted("the server is busy: " + pool.getActiveCount() + " evaluations running and "
            + pool.getQueue().size() + " waiting; retry later");
      try {
        pool.execute(task);
      } catch (RejectedExecutionException e) {
        throw ServiceException.exhausted("the server is busy; retry later");
      }
    }
  }

  int running() {
    return pool.getActiveCount();
  }

  int queued() {
    return pool.getQueue().size();
  }

  /** Stops taking work and waits up to {@code grace} for what runs and waits; true if all finished. */
  boolean shutdown(Duration grace) throws InterruptedException {
    pool.shutdown();
    boolean done = pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) pool.shutdownNow();
    return done;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
