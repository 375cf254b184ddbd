package io.vllmoperator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class MdcPropagatingThreadPoolTest {
  private final MdcPropagatingThreadPool pool = new MdcPropagatingThreadPool(1, "workflow");

  @AfterEach
  void stop() throws InterruptedException {
    MDC.clear();
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void tasksRunWithTheSubmittersMdcAndThePoolThreadKeepsNone() throws Exception {
    Callable<Map<String, String>> mdc = MDC::getCopyOfContextMap;
    MDC.put("resource.namespace", "llm");
    MDC.put("resource.name", "qwen");
    assertThat(pool.submit(mdc).get())
        .containsEntry("resource.namespace", "llm")
        .containsEntry("resource.name", "qwen");
    assertThat(pool.invokeAll(List.of(mdc)).get(0).get()).containsEntry("resource.name", "qwen");

    MDC.clear();
    var afterwards = pool.submit(mdc).get();
    assertThat(afterwards == null || afterwards.isEmpty())
        .as("a task submitted without an MDC sees none: %s", afterwards)
        .isTrue();
    assertThat(pool.submit(() -> Thread.currentThread().getName()).get()).isEqualTo("workflow-1");
  }
}
