package io.vllmoperator.dependent;

import static io.vllmoperator.TestManifests.vllm;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import org.junit.jupiter.api.Test;

class ServiceAndCacheDependentResourcesTest {

  @Test
  void serviceExposesPortHttpOnTheConfiguredPort() {
    var vllm =
        vllm(
            "qwen",
            "model: {name: m}\nservice: {type: LoadBalancer, port: 80, annotations: {a: b}}");

    var service = ServiceDependentResource.build(vllm);

    assertThat(service.getMetadata().getName()).isEqualTo("qwen");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
    assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/instance", "qwen");
    assertThat(service.getMetadata().getAnnotations()).containsEntry("a", "b");
  }

  @Test
  void cacheClaimIsCreatedOnlyForASizeAndIsNeverDeletedOrCollected() {
    var sized = vllm("big", "model: {name: m, cache: {size: 200Gi, storageClassName: fast}}");
    var existing = vllm("shared", "model: {name: m, cache: {existingClaim: models}}");

    var claim = ModelCachePvcDependentResource.build(sized);

    assertThat(claim.getMetadata().getName()).isEqualTo("big-cache");
    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("200Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(ModelCachePvcDependentResource.CacheSizeRequested.requested(sized)).isTrue();
    assertThat(ModelCachePvcDependentResource.CacheSizeRequested.requested(existing)).isFalse();
    // JOSDK adds owner references only to GarbageCollected dependents and deletes only Deleters.
    assertThat(GarbageCollected.class.isAssignableFrom(ModelCachePvcDependentResource.class))
        .isFalse();
    assertThat(Deleter.class.isAssignableFrom(ModelCachePvcDependentResource.class)).isFalse();
    assertThat(Updater.class.isAssignableFrom(ModelCachePvcDependentResource.class)).isFalse();
  }

  @Test
  void desiredObjectsListTheClaimOnlyWhenTheOperatorOwnsIt() {
    String noMonitoring =
        "\nmonitoring: {serviceMonitor: {enabled: false}, alerts: {enabled: false},"
            + " dashboards: {enabled: false}, logs: {enabled: false}}";
    assertThat(DesiredObjects.of(vllm("a", "model: {name: m, cache: {size: 1Gi}}" + noMonitoring)))
        .extracting(o -> o.getKind())
        .containsExactly("PersistentVolumeClaim", "Deployment", "Service");
    assertThat(
            DesiredObjects.of(
                vllm("b", "model: {name: m, cache: {existingClaim: x}}" + noMonitoring)))
        .extracting(o -> o.getKind())
        .containsExactly("Deployment", "Service");
  }
}
