package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes: probes, resources, security context, and that the objects find each other. */
class KubernetesManifestsTest {
  private static final String DIR = "deploy/kubernetes/";
  private static final int PORT = DockerfileTest.DEFAULT_PORT;

  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final JsonNode deployment = repo.yaml(DIR + "deployment.yaml");
  private final JsonNode pod = deployment.path("spec").path("template");
  private final JsonNode container = pod.path("spec").path("containers").get(0);
  private final JsonNode service = repo.yaml(DIR + "service.yaml");

  @Test
  void kustomizationListsEveryManifest() throws IOException {
    List<String> listed = new ArrayList<>();
    repo.yaml(DIR + "kustomization.yaml").path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(repo.path(DIR))) {
      List<String> manifests = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
      assertEquals(manifests, listed.stream().sorted().toList());
    }
  }

  @Test
  void probesUseReadyAndHealthyOnTheMetricsPort() {
    JsonNode port = container.path("ports").get(0);
    assertEquals("metrics", port.path("name").asText());
    assertEquals(PORT, port.path("containerPort").asInt());
    assertProbe("readinessProbe", "/-/ready");
    assertProbe("livenessProbe", "/-/healthy");
    assertTrue(container.path("args").toString().contains("--web.listen-address=0.0.0.0:" + PORT),
        "the exporter must listen on the pod's interfaces: " + container.path("args"));
    assertTrue(container.path("args").toString().contains("--dm.master-address="), "no DM-master");
  }

  @Test
  void requestsAndLimitsAreSet() {
    JsonNode resources = container.path("resources");
    for (String key : List.of("requests/cpu", "requests/memory", "limits/memory")) {
      String[] path = key.split("/");
      assertFalse(resources.path(path[0]).path(path[1]).asText().isBlank(), "resources." + key);
    }
  }

  @Test
  void runsAsTheImagesNonRootUserOnAReadOnlyRoot() {
    JsonNode podSecurity = pod.path("spec").path("securityContext");
    assertTrue(podSecurity.path("runAsNonRoot").asBoolean(), "runAsNonRoot");
    String imageUser = DockerfileModel.parse(repo.text("Dockerfile")).runtime().last("USER")
        .orElseThrow().args().trim().split(":")[0];
    assertEquals(imageUser, podSecurity.path("runAsUser").asText(), "runAsUser = the image's USER");
    JsonNode security = container.path("securityContext");
    assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
    assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation");
    assertEquals("[\"ALL\"]", security.path("capabilities").path("drop").toString());
    // with a read-only root the JVM still needs a writable /tmp
    String tmpVolume = null;
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals("/tmp")) {
        tmpVolume = mount.path("name").asText();
      }
    }
    assertTrue(tmpVolume != null, "no writable /tmp mount");
    boolean emptyDir = false;
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      emptyDir |= volume.path("name").asText().equals(tmpVolume) && volume.has("emptyDir");
    }
    assertTrue(emptyDir, "/tmp must be an emptyDir");
  }

  @Test
  void imageTagIsTheProjectVersion() {
    String image = container.path("image").asText();
    String version = repo.text("pom.xml").replaceAll("(?s).*?<artifactId>dm-exporter</artifactId>\\s*"
        + "<version>([^<]+)</version>.*", "$1");
    assertEquals("dm-exporter:" + version, image.substring(image.lastIndexOf('/') + 1));
  }

  @Test
  void serviceAndServiceMonitorFindThePods() {
    Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
    Map<String, String> selector = labels(service.path("spec").path("selector"));
    assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "Service selects no pod");
    Map<String, String> ownSelector = labels(deployment.path("spec").path("selector").path("matchLabels"));
    assertFalse(ownSelector.isEmpty(), "Deployment without selector");
    assertTrue(podLabels.entrySet().containsAll(ownSelector.entrySet()), "Deployment selects no pod");
    JsonNode port = service.path("spec").path("ports").get(0);
    assertEquals("metrics", port.path("name").asText());
    assertEquals(PORT, port.path("port").asInt());
    assertEquals("metrics", port.path("targetPort").asText());

    JsonNode monitor = repo.yaml(DIR + "servicemonitor.yaml");
    Map<String, String> monitorSelector = labels(monitor.path("spec").path("selector").path("matchLabels"));
    assertFalse(monitorSelector.isEmpty(), "ServiceMonitor without selector");
    assertTrue(labels(service.path("metadata").path("labels")).entrySet().containsAll(monitorSelector.entrySet()),
        "ServiceMonitor selects no Service");
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
    assertEquals("metrics", endpoint.path("port").asText());
    assertEquals("/metrics", endpoint.path("path").asText());
  }

  private void assertProbe(String name, String path) {
    JsonNode get = container.path(name).path("httpGet");
    assertEquals(path, get.path("path").asText(), name);
    assertTrue(get.path("port").asText().equals("metrics") || get.path("port").asInt() == PORT,
        name + " must target the metrics port: " + get.path("port"));
  }

  private static Map<String, String> labels(JsonNode node) {
    return RepoFiles.JSON.convertValue(node, new TypeReference<Map<String, String>>() {});
  }
}
