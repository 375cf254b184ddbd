package io.vllmoperator.logging;

import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * A fixed thread pool whose tasks run with the MDC of the thread that submitted them. JOSDK puts
 * the resource's namespace and name into the MDC of the reconciling thread, but runs the workflow's
 * dependents on a separate pool; with this pool as the workflow executor, their lines carry the
 * resource too.
 */
public final class MdcPropagatingThreadPool extends ThreadPoolExecutor {
  public MdcPropagatingThreadPool(int threads, String name) {
    super(
        threads,
        threads,
        0L,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        new NamedDaemonThreads(name));
  }

  /** submit(), invokeAll() and invokeAny() all come through here. */
  @Override
  public void execute(Runnable task) {
    Map<String, String> submitter = MDC.getCopyOfContextMap();
    super.execute(
        () -> {
          Map<String, String> own = MDC.getCopyOfContextMap();
          set(submitter);
          try {
            task.run();
          } finally {
            set(own);
          }
        });
  }

  private static void set(Map<String, String> context) {
    if (context == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(context);
    }
  }

  private static final class NamedDaemonThreads implements java.util.concurrent.ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    NamedDaemonThreads(String name) {
      this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
