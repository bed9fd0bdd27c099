package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts grafana/dashboards/dm-exporter-overview.json into a ConfigMap labelled for the Grafana
 * dashboard sidecar of kube-prometheus-stack, byte for byte. Run through
 * DashboardConfigMapDriftTest with -Dregenerate=true to rewrite deploy/kubernetes/grafana-dashboard.yaml.
 */
final class DashboardConfigMap extends GeneratedManifest {
  static final String DASHBOARD = "grafana/dashboards/dm-exporter-overview.json";
  static final String OUTPUT = "deploy/kubernetes/grafana-dashboard.yaml";
  static final String KEY = "dm-exporter-overview.json";
  static final String REGENERATE = "mvn -q test -Dtest=DashboardConfigMapDriftTest -Dregenerate=true";

  DashboardConfigMap(RepoFiles repo) {
    super(repo, DASHBOARD, OUTPUT, REGENERATE);
  }

  @Override
  String notes() {
    return """
        The Grafana of kube-prometheus-stack loads ConfigMaps labelled grafana_dashboard: "1"
        from every namespace it watches (grafana.sidecar.dashboards.searchNamespace).""";
  }

  @Override
  ObjectNode resource() {
    ObjectNode resource = skeleton("v1", "ConfigMap", "dm-exporter-dashboards", "dashboards");
    // what the sidecar of kube-prometheus-stack's Grafana looks for (sidecar.dashboards.label/labelValue)
    ((ObjectNode) resource.path("metadata").path("labels")).put("grafana_dashboard", "1");
    resource.putObject("data").put(KEY, repo.text(DASHBOARD));
    return resource;
  }
}
