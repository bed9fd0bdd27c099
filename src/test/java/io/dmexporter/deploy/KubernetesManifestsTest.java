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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes as a cluster receives it: rendered offline by {@code kubectl kustomize}, then
 * probes, resources, security context, and that the objects find each other; and the same with
 * components/web-config (HTTPS and basic auth). KubernetesProbesIT runs the probes for real.
 */
class KubernetesManifestsTest {
  private static final String DIR = Kustomize.BASE + "/";
  private static final int PORT = DockerfileTest.DEFAULT_PORT;

  private static final RepoFiles REPO = RepoFiles.fromSystemProperty();
  /** Rendered once for all tests: kubectl is the slow part. */
  private static final List<JsonNode> BASE = new Kustomize(REPO).render();

  private final RepoFiles repo = REPO;
  private final List<JsonNode> rendered = BASE;
  private final JsonNode deployment = Kustomize.only(rendered, "Deployment");
  private final JsonNode pod = deployment.path("spec").path("template");
  private final JsonNode container = pod.path("spec").path("containers").get(0);
  private final JsonNode service = Kustomize.only(rendered, "Service");

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
  void rendersOneOfEachObjectAllLabelledAsPartOfDmExporter() {
    Set<String> kinds = new TreeSet<>();
    for (JsonNode o : rendered) {
      kinds.add(o.path("kind").asText());
      assertEquals("dm-exporter", o.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText(),
          o.path("kind") + " lacks the kustomization's label");
    }
    assertEquals(Set.of("ConfigMap", "Deployment", "PrometheusRule", "Service", "ServiceMonitor"), kinds);
    assertEquals(5, rendered.size());
  }

  @Test
  void dashboardConfigMapIsLabelledForTheGrafanaSidecarAndHoldsTheDashboard() {
    JsonNode configMap = Kustomize.only(rendered, "ConfigMap");
    JsonNode label = configMap.path("metadata").path("labels").path("grafana_dashboard");
    assertTrue(label.isTextual() && label.asText().equals("1"), "grafana_dashboard: \"1\" (a string): " + label);
    assertEquals(repo.text(DashboardConfigMap.DASHBOARD), configMap.path("data").path(DashboardConfigMap.KEY).asText());
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
  void requestsAndLimitsAreSetAndMatchTheSystemdBudget() {
    JsonNode resources = container.path("resources");
    for (String key : List.of("requests/cpu", "requests/memory", "limits/memory")) {
      String[] path = key.split("/");
      assertFalse(resources.path(path[0]).path(path[1]).asText().isBlank(), "resources." + key);
    }
    // one memory budget for the JVM wherever it runs (systemd's M is MiB)
    String limit = resources.path("limits").path("memory").asText();
    assertTrue(limit.endsWith("Mi"), limit);
    assertTrue(repo.text("deploy/systemd/dm-exporter.service").contains("\nMemoryMax=" + limit.replace("Mi", "M") + "\n"),
        "deploy/systemd/dm-exporter.service should set MemoryMax=" + limit.replace("Mi", "M"));
    assertTrue(container.path("env").toString().contains("\"JAVA_OPTS\""), "JAVA_OPTS is the knob for JVM flags");
  }

  @Test
  void runsAsTheImagesNonRootUserOnAReadOnlyRoot() {
    JsonNode podSecurity = pod.path("spec").path("securityContext");
    assertTrue(podSecurity.path("runAsNonRoot").asBoolean(), "runAsNonRoot");
    String imageUser = DockerfileModel.parse(repo.text("Dockerfile")).runtime().last("USER")
        .orElseThrow().args().trim().split(":")[0];
    assertEquals(imageUser, podSecurity.path("runAsUser").asText(), "runAsUser = the image's USER");
    assertEquals(imageUser, podSecurity.path("fsGroup").asText(), "fsGroup lets that user read mounted Secrets");
    JsonNode security = container.path("securityContext");
    assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
    assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation");
    assertEquals("[\"ALL\"]", security.path("capabilities").path("drop").toString());
    // with a read-only root the JVM still needs a writable /tmp
    assertTrue(volumeAt("/tmp").has("emptyDir"), "/tmp must be an emptyDir");
  }

  @Test
  void imageTagIsTheProjectVersion() {
    String image = container.path("image").asText();
    assertEquals("dm-exporter:" + repo.projectVersion(), image.substring(image.lastIndexOf('/') + 1));
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

    JsonNode monitor = Kustomize.only(rendered, "ServiceMonitor");
    Map<String, String> monitorSelector = labels(monitor.path("spec").path("selector").path("matchLabels"));
    assertFalse(monitorSelector.isEmpty(), "ServiceMonitor without selector");
    assertTrue(labels(service.path("metadata").path("labels")).entrySet().containsAll(monitorSelector.entrySet()),
        "ServiceMonitor selects no Service");
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
    assertEquals("metrics", endpoint.path("port").asText());
    assertEquals("/metrics", endpoint.path("path").asText());
  }

  @Test
  void webConfigComponentServesHttpsWithAuthAndKeepsProbesAndScrapesWorking() {
    List<JsonNode> secured = new Kustomize(repo).render("web-config");
    JsonNode c = Kustomize.only(secured, "Deployment").path("spec").path("template").path("spec");
    JsonNode securedContainer = c.path("containers").get(0);
    String args = securedContainer.path("args").toString();
    assertTrue(args.contains("--web.config.file=/etc/dm-exporter/web/web-config.yml"), args);
    assertTrue(args.contains("--dm.master-address="), "the base's arguments stay: " + args);
    boolean mounted = false;
    for (JsonNode mount : securedContainer.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals("/etc/dm-exporter/web")) {
        for (JsonNode volume : c.path("volumes")) {
          mounted |= volume.path("name").equals(mount.path("name"))
              && volume.path("secret").path("secretName").asText().equals("dm-exporter-web-config");
        }
      }
    }
    assertTrue(mounted, "the Secret dm-exporter-web-config is mounted at /etc/dm-exporter/web");
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      JsonNode p = securedContainer.path(probe);
      assertFalse(p.has("httpGet"), probe + ": the kubelet cannot log in, an HTTP probe would fail");
      assertEquals("metrics", p.path("tcpSocket").path("port").asText(), probe);
    }
    JsonNode endpoint = Kustomize.only(secured, "ServiceMonitor").path("spec").path("endpoints").get(0);
    assertEquals("https", endpoint.path("scheme").asText());
    assertEquals("dm-exporter-scrape-auth", endpoint.path("basicAuth").path("username").path("name").asText());
    assertEquals("dm-exporter-scrape-auth", endpoint.path("basicAuth").path("password").path("name").asText());
  }

  private JsonNode volumeAt(String mountPath) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals(mountPath)) {
        for (JsonNode volume : pod.path("spec").path("volumes")) {
          if (volume.path("name").equals(mount.path("name"))) {
            return volume;
          }
        }
      }
    }
    throw new AssertionError("nothing mounted at " + mountPath);
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
