package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes/grafana-dashboard.yaml must hold exactly grafana/dashboards/dm-exporter-overview.json. */
class DashboardConfigMapDriftTest {
  private final RepoFiles repo = RepoFiles.fromSystemProperty();
  private final DashboardConfigMap generator = new DashboardConfigMap(repo);

  @Test
  void committedConfigMapHoldsTheDashboardByteForByte() {
    if (Boolean.getBoolean("regenerate")) {
      generator.write();
      System.out.println("regenerated " + DashboardConfigMap.OUTPUT);
    }
    JsonNode committed = repo.yaml(DashboardConfigMap.OUTPUT);
    String dashboard = committed.path("data").path(DashboardConfigMap.KEY).asText();
    assertTrue(dashboard.equals(repo.text(DashboardConfigMap.DASHBOARD)), DashboardConfigMap.OUTPUT
        + " drifted from " + DashboardConfigMap.DASHBOARD + "; regenerate it with: " + DashboardConfigMap.REGENERATE);
    JsonNode expected = generator.resource();
    assertTrue(expected.equals(committed), DashboardConfigMap.OUTPUT + " differs at "
        + PrometheusRuleDriftTest.firstDifference(expected, committed, "") + "; regenerate it with: "
        + DashboardConfigMap.REGENERATE);
  }

  @Test
  void labelledForTheGrafanaSidecarAndSmallEnoughToApply() {
    JsonNode committed = repo.yaml(DashboardConfigMap.OUTPUT);
    JsonNode label = committed.path("metadata").path("labels").path("grafana_dashboard");
    assertTrue(label.isTextual() && label.asText().equals("1"), "a label value is the string \"1\": " + label);
    // kubectl apply keeps the whole object in an annotation, which may hold 256 KiB
    assertTrue(repo.text(DashboardConfigMap.OUTPUT).length() < 200_000, "the ConfigMap outgrew kubectl apply");
  }
}
